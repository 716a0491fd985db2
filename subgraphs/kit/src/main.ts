import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { openDatabase, readDbConfig } from '@vartija/db';
import type { JWK } from 'jose';
import { z } from 'zod';
import { ActorContextVerifier, MemoryReplayCache, RedisReplayCache } from './actor-context';
import { parseCursorSecret, setCursorSecret } from './cursor';
import { installProcessGuards } from './failures';
import { connectRedis } from './redis';
import type { Subgraph, SubgraphRuntime } from './subgraph-server';

const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** Public Ed25519 JWK (JSON) of the gateway's actor-context key. */
  ACTOR_CONTEXT_PUBLIC_JWK: z.string().optional(),
  /** Seals page cursors (at least 32 random bytes, base64url or hex); every replica of a subgraph shares it. */
  CURSOR_SECRET: z
    .string()
    .optional()
    .superRefine((value, ctx) => {
      if (value === undefined) return;
      try {
        parseCursorSecret(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
      }
    }),
  /** Used actor contexts are remembered here when the subgraph runs replicated; in memory without it. */
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL').optional(),
  // Shared with the gateway and `npm run token`, wherever the process is started from.
  DEV_KEYS_PATH: z.string().default(path.join(__dirname, '..', '..', '..', '.data', 'dev-keys.json')),
}).superRefine((env, ctx) => {
  if (env.NODE_ENV === 'production' && !env.CURSOR_SECRET) {
    ctx.addIssue({ code: 'custom', path: ['CURSOR_SECRET'], message: 'is required when NODE_ENV=production' });
  }
});

function actorContextKey(config: z.infer<typeof configSchema>): JWK {
  if (config.ACTOR_CONTEXT_PUBLIC_JWK) return JSON.parse(config.ACTOR_CONTEXT_PUBLIC_JWK) as JWK;
  if (config.NODE_ENV !== 'production' && existsSync(config.DEV_KEYS_PATH)) {
    return (JSON.parse(readFileSync(config.DEV_KEYS_PATH, 'utf8')) as { actorContext: { publicJwk: JWK } }).actorContext.publicJwk;
  }
  throw new Error('ACTOR_CONTEXT_PUBLIC_JWK is required (the public key of the gateway that signs actor contexts).');
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
    const secret = cursorSecret(config);
    if (secret) setCursorSecret(secret);
    const dbConfig = readDbConfig();
    if (!dbConfig.DATABASE_URL) {
      throw new Error(`DATABASE_URL is required to run the ${name} subgraph on its own (the embedded database serves one process: use npm start).`);
    }
    const database = await openDatabase({ url: dbConfig.DATABASE_URL, poolSize: dbConfig.DATABASE_POOL_SIZE });
    await database.migrate();
    const replay = config.REDIS_URL ? new RedisReplayCache(connectRedis(config.REDIS_URL, `${name} actor-context replay check`)) : new MemoryReplayCache();
    const verifier = await ActorContextVerifier.fromJwk(actorContextKey(config), replay);
    const subgraph = await create({ database, verifier });
    const url = await subgraph.listen(config.PORT ?? defaultPort, config.HOST);
    console.log(`${name} subgraph listening on ${url}/graphql`);
    const stop = async () => {
      await subgraph.stop();
      await verifier.close();
      await database.close();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  };
  start().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
