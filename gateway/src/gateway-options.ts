import type { Database } from '@vartija/db';
import { ActorContextSigner, databaseReadiness, DbAuditSink, GroupCommitAuditSink, type Logger, metricsEndpointOf, testingSeamsOf } from '@vartija/kit';
import { AccessStore } from './access-store';
import { consoleSettingsOf } from './console-route';
import { Authenticator } from './authenticate';
import { documentSettingsOf, type GatewayConfig } from './config';
import type { DevKeys } from './dev-keys';
import type { GatewayOptions } from './gateway-server';
import { PersistedOperationStore } from './persisted-operations';
import { createRateLimiter } from './rate-limit';
import { createSessionActivity } from './session-activity';
import { SUBGRAPHS, type SubgraphName } from './subgraph-list';

/** The configuration the gateway's options are built from (GatewayConfig: readGatewayConfig()). */
export type GatewaySettings = Pick<
  GatewayConfig,
  | 'NODE_ENV'
  | 'METRICS_PORT'
  | 'METRICS_HOST'
  | 'KNOWN_OPERATION_NAMES'
  | 'OIDC_ISSUER'
  | 'OIDC_AUDIENCE'
  | 'OIDC_JWKS_URL'
  | 'ACTOR_CONTEXT_SECRET'
  | 'TOKEN_MAX_AGE_SECONDS'
  | 'IDLE_TIMEOUT_SECONDS'
  | 'TOKEN_CLOCK_SKEW_SECONDS'
  | 'GRANT_CACHE_MS'
  | 'REDIS_URL'
  | 'MAX_OPERATION_COST'
  | 'STAFF_RATE_LIMIT_PER_MINUTE'
  | 'DPO_OMBUDSMAN_ADDRESS'
  | 'DPO_OMBUDSMAN_ADDRESS_SV'
  | 'CORS_ORIGINS'
  | 'TRUSTED_PROXIES'
  | 'CONSOLE_OIDC_AUTHORITY'
  | 'CONSOLE_OIDC_CLIENT_ID'
  | 'CONSOLE_OIDC_SCOPE'
  | 'CONSOLE_DIST_DIR'
>;

/** What the process hands the gateway besides its configuration. */
export interface GatewayRuntime {
  /** The access schema (grants, partner tokens, persisted operations) and the access log. */
  database: Database;
  supergraphSdl: string;
  subgraphUrls: Record<SubgraphName, string>;
  /**
   * Outside production only: tokens signed with the development key are accepted, and the actor context is
   * signed with keys derived from the development secret unless ACTOR_CONTEXT_SECRET is set.
   */
  devKeys?: DevKeys;
  logger?: Logger;
  processMetrics?: boolean;
}

export interface GatewaySetup {
  options: GatewayOptions;
  /** What the process should warn about at start (production without METRICS_PORT: /metrics is not served). */
  warnings: string[];
  /** Closes what the options opened besides the gateway (Redis connections of rate limits and sessions). */
  close(): Promise<void>;
}

/**
 * The gateway's options from its configuration: one place for the standalone process (main.ts) and the
 * development stack (tools/src/dev-stack), so both authenticate, sign, limit and log alike.
 */
export async function gatewayOptionsFrom(settings: GatewaySettings, runtime: GatewayRuntime): Promise<GatewaySetup> {
  const actorSecret = settings.ACTOR_CONTEXT_SECRET ?? runtime.devKeys?.actorContextSecret;
  if (!actorSecret) throw new Error('ACTOR_CONTEXT_SECRET is required: without development keys nothing signs the actor context.');
  const sessions = createSessionActivity(settings.REDIS_URL);
  const rateLimiter = createRateLimiter(settings.REDIS_URL);
  const close = async () => {
    await rateLimiter.close();
    await sessions.close();
  };
  try {
    const authenticator = await Authenticator.create({
      store: new AccessStore(runtime.database.db),
      ...(runtime.devKeys ? { devPublicJwk: runtime.devKeys.tokenSigning.publicJwk } : {}),
      ...(settings.OIDC_ISSUER && settings.OIDC_AUDIENCE && settings.OIDC_JWKS_URL
        ? { oidc: { issuer: settings.OIDC_ISSUER, audience: settings.OIDC_AUDIENCE, jwksUrl: settings.OIDC_JWKS_URL } }
        : {}),
      maxTokenAgeSeconds: settings.TOKEN_MAX_AGE_SECONDS,
      idleTimeoutSeconds: settings.IDLE_TIMEOUT_SECONDS,
      clockSkewSeconds: settings.TOKEN_CLOCK_SKEW_SECONDS,
      sessions,
      grantCacheMs: settings.GRANT_CACHE_MS,
    });
    // The gateway's port is public: /metrics on a port of its own (METRICS_PORT), or only outside production.
    const { endpoint: metricsEndpoint, warning } = metricsEndpointOf(settings, true);
    const options: GatewayOptions = {
      supergraphSdl: runtime.supergraphSdl,
      subgraphUrls: runtime.subgraphUrls,
      authenticator,
      signer: ActorContextSigner.fromSecret(actorSecret),
      readiness: { database: databaseReadiness(runtime.database) },
      // The access log, group-committed; tests may replace it (kit/testing), no configuration can.
      auditSink: testingSeamsOf(runtime).auditSink ?? new GroupCommitAuditSink(new DbAuditSink(runtime.database.db)),
      rateLimiter,
      persistedOperations: new PersistedOperationStore(runtime.database.db),
      // A staff limit of 0 is no limit.
      limits: { maxOperationCost: settings.MAX_OPERATION_COST, staffRateLimitPerMinute: settings.STAFF_RATE_LIMIT_PER_MINUTE },
      documents: documentSettingsOf(settings),
      corsOrigins: settings.CORS_ORIGINS,
      trustedProxies: settings.TRUSTED_PROXIES,
      ...(runtime.logger ? { logger: runtime.logger } : {}),
      ...(runtime.processMetrics ? { processMetrics: true } : {}),
      metricsEndpoint,
      knownOperationNames: settings.KNOWN_OPERATION_NAMES,
      console: consoleSettingsOf(settings, runtime.devKeys),
    };
    return { options, warnings: warning ? [warning] : [], close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The subgraphs' URLs: CLIENTS_URL, SERVICES_URL, … or each on its default port on this host. */
export function subgraphUrlsFrom(config: Pick<GatewayConfig, 'CLIENTS_URL' | 'SERVICES_URL' | 'DOCUMENTS_URL' | 'AUDIT_URL'>): Record<SubgraphName, string> {
  const configured: Record<SubgraphName, string | undefined> = {
    clients: config.CLIENTS_URL,
    services: config.SERVICES_URL,
    documents: config.DOCUMENTS_URL,
    audit: config.AUDIT_URL,
  };
  return Object.fromEntries(SUBGRAPHS.map((s) => [s.name, configured[s.name] ?? `http://127.0.0.1:${s.defaultPort}/graphql`])) as Record<SubgraphName, string>;
}
