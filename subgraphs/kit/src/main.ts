import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { databaseOptions, migratesOnStart, openDatabase, readDbConfig } from '@vartija/db';
import { z } from 'zod';
import { ActorContextVerifier, MemoryReplayCache, parseActorContextSecret, RedisReplayCache, reusedActorContextKey, subgraphActorContextKey } from './actor-context';
import { parseCursorSecret, setCursorSecret } from './cursor';
import { installProcessGuards } from './failures';
import { onShutdownSignals } from './observability/lifecycle';
import { redisReadiness } from './observability/readiness';
import { configureLogging, observabilityConfigShape } from './observability/request-log';
import { metricsEndpointOf } from './observability/service-server';
import { tracingFromConfig } from './observability/tracing';
import { connectRedis } from './redis';
import { parsedSetting, retiredSetting } from './settings';
import type { Subgraph, SubgraphRuntime } from './subgraph-server';

const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** Address to listen on; 0.0.0.0 in a container. */
  HOST: z.string().default('127.0.0.1'),
  /**
   * Port of this subgraph (GraphQL on /graphql, probes on /live and /ready, Prometheus on /metrics unless
   * METRICS_PORT gives it a port of its own).
   * Default: clients 4001, services 4002, documents 4003, audit 4004 — the gateway's CLIENTS_URL,
   * SERVICES_URL, DOCUMENTS_URL and AUDIT_URL default to these on 127.0.0.1.
   */
  PORT: z.coerce.number().int().min(0).max(65535).optional(),
  ...observabilityConfigShape,
  /**
   * This subgraph's actor-context key (base64url): derived from the gateway's ACTOR_CONTEXT_SECRET for this
   * subgraph's name (`node deploy/generate-secrets.mjs` prints one per subgraph).
   */
  ACTOR_CONTEXT_KEY: parsedSetting(parseActorContextSecret),
  /** The earlier version's Ed25519 actor-context key. */
  ACTOR_CONTEXT_PUBLIC_JWK: retiredSetting("set ACTOR_CONTEXT_KEY, this subgraph's key (README: Keys)"),
  /** Seals page cursors (at least 32 random bytes, base64url or hex); every replica of a subgraph shares it. */
  CURSOR_SECRET: parsedSetting(parseCursorSecret),
  /** Used actor contexts are remembered here when the subgraph runs replicated; in memory without it. */
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL').optional(),
  // Shared with the gateway and `npm run token`, wherever the process is started from.
  DEV_KEYS_PATH: z.string().default(path.join(__dirname, '..', '..', '..', '.data', 'dev-keys.json')),
  /** 1: unexpected errors are also printed whole (development only: database messages quote values). */
  VARTIJA_DEBUG_ERRORS: z.enum(['0', '1'], { message: 'must be 1 (on) or 0 (off)' }).optional(),
}).superRefine((env, ctx) => {
  if (env.NODE_ENV === 'production') {
    for (const key of ['CURSOR_SECRET', 'ACTOR_CONTEXT_KEY'] as const) {
      if (!env[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'is required when NODE_ENV=production' });
    }
  }
});

/** ACTOR_CONTEXT_KEY, else (development) the key derived for `name` from the dev key file's secret. */
function actorContextKey(config: z.infer<typeof configSchema>, name: string): string {
  if (config.ACTOR_CONTEXT_KEY) {
    const reused = reusedActorContextKey(config.ACTOR_CONTEXT_KEY, name, { CURSOR_SECRET: config.CURSOR_SECRET, LOG_PSEUDONYM_KEY: config.LOG_PSEUDONYM_KEY });
    if (reused) throw new Error(`Invalid ${name} configuration: ${reused}`);
    return config.ACTOR_CONTEXT_KEY;
  }
  if (config.NODE_ENV !== 'production' && existsSync(config.DEV_KEYS_PATH)) {
    const secret = (JSON.parse(readFileSync(config.DEV_KEYS_PATH, 'utf8')) as { actorContextSecret?: string }).actorContextSecret;
    if (secret) return subgraphActorContextKey(secret, name);
  }
  throw new Error(`ACTOR_CONTEXT_KEY is required (the ${name} subgraph's key, derived from the gateway's ACTOR_CONTEXT_SECRET).`);
}

/**
 * The cursor secret: CURSOR_SECRET, else (development) the one in the dev key file that `npm start`
 * and `npm run token` create, else a random one for this process only (cursors then last until it stops).
 */
function cursorSecret(config: z.infer<typeof configSchema>): string | null {
  if (config.CURSOR_SECRET) return config.CURSOR_SECRET;
  if (config.NODE_ENV !== 'production' && existsSync(config.DEV_KEYS_PATH)) {
    return (JSON.parse(readFileSync(config.DEV_KEYS_PATH, 'utf8')) as { cursorSecret?: string }).cursorSecret ?? null;
  }
  return null;
}

/** Runs one subgraph as its own process against DATABASE_URL (how it is deployed and scaled out). */
export function runSubgraph(name: string, defaultPort: number, create: (runtime: SubgraphRuntime) => Promise<Subgraph>) {
  // A lost connection is logged, never the end of the process.
  installProcessGuards(name);
  const start = async () => {
    const parsed = configSchema.safeParse(process.env);
    if (!parsed.success) throw new Error(`Invalid ${name} configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const config = parsed.data;
    // Before anything is opened or migrated: a process that could verify no context must not start.
    const actorKey = actorContextKey(config, name);
    const logger = configureLogging({ ...(config.LOG_LEVEL ? { level: config.LOG_LEVEL } : {}), pseudonymKey: config.LOG_PSEUDONYM_KEY });
    const tracing = tracingFromConfig(config.OTEL_TRACES);
    const secret = cursorSecret(config);
    if (secret) setCursorSecret(secret);
    const dbConfig = readDbConfig();
    if (!dbConfig.DATABASE_URL) {
      throw new Error(`DATABASE_URL is required to run the ${name} subgraph on its own (the embedded database serves one process: use npm start).`);
    }
    const database = await openDatabase(databaseOptions(dbConfig));
    // Production migrates once, with `npm run db:migrate` as the schema owner, before the services start.
    if (migratesOnStart(dbConfig)) await database.migrate();
    const redis = config.REDIS_URL ? connectRedis(config.REDIS_URL, `${name} actor-context replay check`) : null;
    const replay = redis ? new RedisReplayCache(redis, name) : new MemoryReplayCache();
    const verifier = ActorContextVerifier.fromKey(actorKey, name, replay);
    // Behind the NetworkPolicy (only the gateway reaches the subgraph's port): /metrics stays there unless METRICS_PORT is set.
    const { endpoint } = metricsEndpointOf(config, false);
    const subgraph = await create({
      database,
      verifier,
      logger,
      processMetrics: true,
      metricsEndpoint: endpoint,
      knownOperationNames: config.KNOWN_OPERATION_NAMES,
      ...(redis ? { readiness: { redis: redisReadiness(redis) } } : {}),
    });
    const url = await subgraph.listen(config.PORT ?? defaultPort, config.HOST);
    logger.info({ service: name, url: `${url}/graphql`, metrics: subgraph.metricsUrl() }, `${name} subgraph listening`);
    // SIGTERM: new requests 503, those in flight finish (up to DRAIN_TIMEOUT_MS), then exit 0.
    onShutdownSignals(async () => {
      await subgraph.drain(config.DRAIN_TIMEOUT_MS);
      await subgraph.stop();
      await verifier.close();
      await database.close();
      await tracing?.shutdown();
    }, logger.child({ service: name }));
  };
  start().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
