import { createAuditSubgraph } from '@vartija/audit';
import { createClientsSubgraph } from '@vartija/clients';
import type { Database } from '@vartija/db';
import { createDocumentsSubgraph } from '@vartija/documents';
import {
  createGateway,
  type DevKeys,
  type Gateway,
  gatewayOptionsFrom,
  type GatewaySettings,
  readGatewayConfig,
  SUBGRAPHS,
  type SubgraphName,
} from '@vartija/gateway';
import {
  ActorContextVerifier,
  type AuditCheckpoints,
  type AuditSink,
  type Logger,
  setCursorSecret,
  type Subgraph,
  type SubgraphRuntime,
} from '@vartija/kit';
import { withTestingSeams } from '@vartija/kit/testing';
import { createServicesSubgraph } from '@vartija/services';

export const SUBGRAPH_FACTORIES: Record<SubgraphName, (runtime: SubgraphRuntime) => Promise<Subgraph>> = {
  clients: createClientsSubgraph,
  services: createServicesSubgraph,
  documents: createDocumentsSubgraph,
  audit: createAuditSubgraph,
};

export interface StackOptions {
  database: Database;
  keys: DevKeys;
  supergraphSdl: string;
  /**
   * The gateway's configuration (`npm start`: readGatewayConfig()). Without it the defaults, except that
   * there is no staff rate limit. The options below override it (tests).
   */
  config?: GatewaySettings;
  host?: string;
  /** 0 picks free ports (tests); otherwise the gateway's port, subgraphs on their defaults. */
  gatewayPort?: number;
  subgraphPorts?: Partial<Record<SubgraphName, number>>;
  grantCacheMs?: number;
  maxTokenAgeSeconds?: number;
  idleTimeoutSeconds?: number;
  tokenClockSkewSeconds?: number;
  /** Partner rate-limit counters and idle sign-out state in Redis; in memory without it. */
  redisUrl?: string;
  /** Staff tokens from an OIDC issuer, besides the development key. */
  oidc?: { issuer: string; audience: string; jwksUrl: string };
  auditSink?: AuditSink;
  /** The subgraphs' clock (time-controlled tests of retention and disposal); the system clock without. */
  clock?: () => Date;
  /** Signed checkpoints of the access log, for the audit subgraph; none without. */
  auditCheckpoints?: AuditCheckpoints;
  /** Highest estimated operation cost (MAX_OPERATION_COST); the default budget without. */
  maxOperationCost?: number;
  /**
   * Requests per minute per staff user (STAFF_RATE_LIMIT_PER_MINUTE). Unset: the configuration's, or without
   * one no staff limit, for tests and benchmarks that send many requests as one persona.
   */
  staffRateLimitPerMinute?: number;
  /** Browser origins allowed at the gateway (CORS_ORIGINS). */
  corsOrigins?: readonly string[];
  /** Proxies whose X-Forwarded-For names the caller (TRUSTED_PROXIES). */
  trustedProxies?: readonly string[];
  /** The request and error log of every service; the process's logger without it. */
  logger?: Logger;
  /** The gateway's separate `/metrics` port (METRICS_PORT; 0 picks a free one); on its main port without it. */
  metricsPort?: number;
  /**
   * Operation names that may appear in metrics, the request log and spans (KNOWN_OPERATION_NAMES), for the
   * gateway and the subgraphs, besides the persisted operations' and the console's; any other is `(unlisted)`.
   */
  knownOperationNames?: readonly string[];
}

export interface Stack {
  gatewayUrl: string;
  /** Where the gateway serves `/metrics`: its main port, or the metrics port (metricsPort); null for none. */
  gatewayMetricsUrl: string | null;
  subgraphUrls: Record<SubgraphName, string>;
  subgraphs: Subgraph[];
  gateway: Gateway;
  /**
   * Graceful drain: the gateway first (new requests 503, those in flight finish through the subgraphs),
   * then the subgraphs. True when every request finished within `timeoutMs`.
   */
  drain(timeoutMs: number): Promise<boolean>;
  stop(): Promise<void>;
}

/** The whole federated register in one process: four subgraphs and the gateway over one database. */
export async function startStack(options: StackOptions): Promise<Stack> {
  const host = options.host ?? '127.0.0.1';
  // One process: the subgraphs seal cursors with the stack's secret.
  setCursorSecret(options.keys.cursorSecret);
  const plain: Omit<SubgraphRuntime, 'verifier'> = {
    database: options.database,
    ...(options.auditCheckpoints ? { auditCheckpoints: options.auditCheckpoints } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    knownOperationNames: knownOperationNamesOf(options),
  };
  const runtime = options.auditSink ? withTestingSeams(plain, { auditSink: options.auditSink }) : plain;
  const subgraphs: Subgraph[] = [];
  const verifiers: ActorContextVerifier[] = [];
  const subgraphUrls = {} as Record<SubgraphName, string>;
  for (const { name, defaultPort } of SUBGRAPHS) {
    // Each subgraph verifies with its own key, derived from the stack's secret as in production.
    const verifier = ActorContextVerifier.fromGatewaySecret(options.keys.actorContextSecret, name);
    verifiers.push(verifier);
    const subgraph = await SUBGRAPH_FACTORIES[name]({ ...runtime, verifier });
    subgraphs.push(subgraph);
    const port = options.subgraphPorts?.[name] ?? (options.gatewayPort === 0 ? 0 : defaultPort);
    subgraphUrls[name] = `${await subgraph.listen(port, host)}/graphql`;
  }
  const replica = await startGateway(options, subgraphUrls, options.gatewayPort ?? 4000);
  return {
    gatewayUrl: replica.gatewayUrl,
    gatewayMetricsUrl: replica.gateway.metricsUrl(),
    subgraphUrls,
    subgraphs,
    gateway: replica.gateway,
    async drain(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      const gatewayDone = await replica.gateway.drain(timeoutMs);
      const subgraphsDone = await Promise.all(subgraphs.map((s) => s.drain(Math.max(0, deadline - Date.now()))));
      return gatewayDone && subgraphsDone.every(Boolean);
    },
    async stop() {
      await replica.stop();
      await Promise.all(subgraphs.map((s) => s.stop()));
      await Promise.all(verifiers.map((v) => v.close()));
    },
  };
}

export interface GatewayReplica {
  gatewayUrl: string;
  gateway: Gateway;
  stop(): Promise<void>;
}

/**
 * A gateway in front of running subgraphs, with its own authenticator, rate limiter and session
 * state: `startStack` starts one; a test starts a second to act as another replica.
 */
export async function startGateway(
  options: Omit<StackOptions, 'subgraphPorts'>,
  subgraphUrls: Record<SubgraphName, string>,
  port = 0,
): Promise<GatewayReplica> {
  const gatewayRuntime = {
    database: options.database,
    supergraphSdl: options.supergraphSdl,
    subgraphUrls,
    devKeys: options.keys,
    ...(options.logger ? { logger: options.logger } : {}),
  };
  const setup = await gatewayOptionsFrom(
    gatewaySettingsOf(options),
    options.auditSink ? withTestingSeams(gatewayRuntime, { auditSink: options.auditSink }) : gatewayRuntime,
  );
  const gateway = await createGateway(setup.options).catch(async (error: unknown) => {
    await setup.close();
    throw error;
  });
  const gatewayUrl = await gateway.listen(port, options.host ?? '127.0.0.1');
  return {
    gatewayUrl,
    gateway,
    async stop() {
      await gateway.stop();
      await setup.close();
    },
  };
}

/** The configuration's KNOWN_OPERATION_NAMES and the stack's own. */
function knownOperationNamesOf(options: Pick<StackOptions, 'config' | 'knownOperationNames'>): string[] {
  return [...(options.config?.KNOWN_OPERATION_NAMES ?? []), ...(options.knownOperationNames ?? [])];
}

/** The configuration given (or the defaults, without a staff rate limit), with this stack's overrides. */
export function gatewaySettingsOf(options: Omit<StackOptions, 'subgraphPorts'>): GatewaySettings {
  const base: GatewaySettings = options.config ?? { ...readGatewayConfig({}), STAFF_RATE_LIMIT_PER_MINUTE: 0 };
  const overrides: Partial<GatewaySettings> = {
    GRANT_CACHE_MS: options.grantCacheMs,
    TOKEN_MAX_AGE_SECONDS: options.maxTokenAgeSeconds,
    IDLE_TIMEOUT_SECONDS: options.idleTimeoutSeconds,
    TOKEN_CLOCK_SKEW_SECONDS: options.tokenClockSkewSeconds,
    REDIS_URL: options.redisUrl,
    MAX_OPERATION_COST: options.maxOperationCost,
    STAFF_RATE_LIMIT_PER_MINUTE: options.staffRateLimitPerMinute,
    CORS_ORIGINS: options.corsOrigins ? [...options.corsOrigins] : undefined,
    TRUSTED_PROXIES: options.trustedProxies ? [...options.trustedProxies] : undefined,
    METRICS_PORT: options.metricsPort,
    KNOWN_OPERATION_NAMES: options.knownOperationNames ? knownOperationNamesOf(options) : undefined,
    ...(options.oidc ? { OIDC_ISSUER: options.oidc.issuer, OIDC_AUDIENCE: options.oidc.audience, OIDC_JWKS_URL: options.oidc.jwksUrl } : {}),
  };
  return {
    ...base,
    ...Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined)),
    // The stack's subgraphs verify keys derived from the development secret (options.keys), never a configured one.
    ACTOR_CONTEXT_SECRET: undefined,
  };
}
