import { readFileSync } from 'node:fs';
import { openDatabase, readDbConfig } from '@vartija/db';
import { ActorContextSigner, DbAuditSink, GroupCommitAuditSink, installProcessGuards } from '@vartija/kit';
import type { JWK } from 'jose';
import { AccessStore } from './access-store';
import { Authenticator } from './authenticate';
import { documentSettingsOf, readGatewayConfig } from './config';
import { loadOrCreateDevKeys } from './dev-keys';
import { createGateway } from './gateway-server';
import { PersistedOperationStore } from './persisted-operations';
import { createRateLimiter } from './rate-limit';
import { createSessionActivity } from './session-activity';
import { DEFAULT_SUPERGRAPH_PATH, SUBGRAPHS, type SubgraphName } from './subgraph-list';

/** The gateway as its own process: subgraphs elsewhere, the access schema on DATABASE_URL. */
async function main() {
  // A lost connection (database, Redis, a subgraph) is logged, never the end of the process.
  installProcessGuards('gateway');
  const config = readGatewayConfig();
  const dbConfig = readDbConfig();
  if (!dbConfig.DATABASE_URL) throw new Error('DATABASE_URL is required to run the gateway on its own (use npm start for the embedded stack).');
  const database = await openDatabase({ url: dbConfig.DATABASE_URL, poolSize: dbConfig.DATABASE_POOL_SIZE });
  const production = config.NODE_ENV === 'production';
  const devKeys = production ? undefined : await loadOrCreateDevKeys(config.DEV_KEYS_PATH);
  const actorKey = config.ACTOR_CONTEXT_PRIVATE_JWK ? (JSON.parse(config.ACTOR_CONTEXT_PRIVATE_JWK) as JWK) : devKeys!.actorContext.privateJwk;
  const subgraphUrls = Object.fromEntries(
    SUBGRAPHS.map((s) => [s.name, process.env[`${s.name.toUpperCase()}_URL`] ?? `http://127.0.0.1:${s.defaultPort}/graphql`]),
  ) as Record<SubgraphName, string>;
  const gateway = await createGateway({
    supergraphSdl: readFileSync(config.SUPERGRAPH_PATH ?? DEFAULT_SUPERGRAPH_PATH, 'utf8'),
    subgraphUrls,
    authenticator: await Authenticator.create({
      store: new AccessStore(database.db),
      ...(devKeys ? { devPublicJwk: devKeys.tokenSigning.publicJwk } : {}),
      ...(config.OIDC_ISSUER && config.OIDC_AUDIENCE && config.OIDC_JWKS_URL
        ? { oidc: { issuer: config.OIDC_ISSUER, audience: config.OIDC_AUDIENCE, jwksUrl: config.OIDC_JWKS_URL } }
        : {}),
      maxTokenAgeSeconds: config.TOKEN_MAX_AGE_SECONDS,
      idleTimeoutSeconds: config.IDLE_TIMEOUT_SECONDS,
      clockSkewSeconds: config.TOKEN_CLOCK_SKEW_SECONDS,
      sessions: createSessionActivity(config.REDIS_URL),
      grantCacheMs: config.GRANT_CACHE_MS,
    }),
    signer: await ActorContextSigner.fromJwk(actorKey),
    ready: () => database.ping(),
    auditSink: new GroupCommitAuditSink(new DbAuditSink(database.db)),
    rateLimiter: createRateLimiter(config.REDIS_URL),
    persistedOperations: new PersistedOperationStore(database.db),
    limits: { maxOperationCost: config.MAX_OPERATION_COST, staffRateLimitPerMinute: config.STAFF_RATE_LIMIT_PER_MINUTE },
    documents: documentSettingsOf(config),
  });
  console.log(`Vartija gateway listening on ${await gateway.listen(config.GATEWAY_PORT, config.HOST)}/graphql`);
  const stop = async () => {
    await gateway.stop();
    await database.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
