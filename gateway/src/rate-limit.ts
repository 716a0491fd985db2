import { type ApolloServerPlugin, HeaderMap } from '@apollo/server';
import type { Actor } from '@vartija/kit';
import { GraphQLError } from 'graphql';
import Redis from 'ioredis';

/**
 * Counts requests per key in one-minute windows; throws RATE_LIMITED (429 + Retry-After) past the limit,
 * and SERVICE_UNAVAILABLE (503) when the shared counters (Redis) cannot be reached: closed, not open.
 * Keys: a partner API token's id, `user:<id>` for a staff user.
 */
export interface RateLimiter {
  consume(key: string, limitPerMinute: number, who?: string): Promise<void>;
  /** Readiness of a shared counter store (Redis); absent for counters in memory. */
  ready?(): Promise<boolean>;
  close(): Promise<void>;
}

/** The limiter, telling `onRefused` of each RATE_LIMITED refusal (the gateway's metric), by key (`user:` = staff). */
export function countingRefusals(limiter: RateLimiter, onRefused: (key: string) => void): RateLimiter {
  return {
    async consume(key, limitPerMinute, who) {
      try {
        await limiter.consume(key, limitPerMinute, who);
      } catch (error) {
        if (error instanceof GraphQLError && error.extensions['code'] === 'RATE_LIMITED') onRefused(key);
        throw error;
      }
    },
    ...(limiter.ready ? { ready: () => limiter.ready!() } : {}),
    close: () => limiter.close(),
  };
}

const WINDOW_MS = 60_000;

function rateLimited(retryAfterSeconds: number, limitPerMinute: number, who: string): GraphQLError {
  // Apollo Server reads error headers as a HeaderMap; other packages' typings of `http` may differ.
  const extensions: Record<string, unknown> = {
    code: 'RATE_LIMITED',
    retryAfterSeconds,
    limitPerMinute,
    http: { status: 429, headers: new HeaderMap([['retry-after', String(retryAfterSeconds)]]) },
  };
  return new GraphQLError(`Rate limit of ${limitPerMinute} requests per minute exceeded for ${who}; retry in ${retryAfterSeconds} s.`, { extensions });
}

const unavailable = () =>
  new GraphQLError('The rate-limit store (Redis) is unavailable; try again shortly.', {
    extensions: { code: 'SERVICE_UNAVAILABLE', http: { status: 503 } },
  });

const retryAfter = (now: number) => Math.max(1, Math.ceil((WINDOW_MS - (now % WINDOW_MS)) / 1000));

/** One gateway instance: enough for a single replica and for tests. */
export class MemoryRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, { window: number; count: number }>();

  async consume(key: string, limitPerMinute: number, who = 'this API token'): Promise<void> {
    const now = Date.now();
    const window = Math.floor(now / WINDOW_MS);
    const current = this.windows.get(key);
    const count = current && current.window === window ? current.count + 1 : 1;
    this.windows.set(key, { window, count });
    if (this.windows.size > 50_000) {
      // Counters of past windows can go; the map stays bounded by the callers of the current minute.
      for (const [k, w] of this.windows) if (w.window < window) this.windows.delete(k);
    }
    if (count > limitPerMinute) throw rateLimited(retryAfter(now), limitPerMinute, who);
  }

  async close(): Promise<void> {}
}

/** Counters in Redis, so that a limit holds across gateway replicas. */
export class RedisRateLimiter implements RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'vartija:rate:',
  ) {}

  async consume(key: string, limitPerMinute: number, who = 'this API token'): Promise<void> {
    const now = Date.now();
    const redisKey = `${this.prefix}${key}:${Math.floor(now / WINDOW_MS)}`;
    let count: number;
    try {
      const [[error, value]] = (await this.redis.multi().incr(redisKey).pexpire(redisKey, WINDOW_MS * 2).exec()) as [[Error | null, number]];
      if (error) throw error;
      count = value;
    } catch {
      throw unavailable();
    }
    if (count > limitPerMinute) throw rateLimited(retryAfter(now), limitPerMinute, who);
  }

  async ready(): Promise<boolean> {
    return (await this.redis.ping()) === 'PONG';
  }

  async close(): Promise<void> {
    await this.redis.quit();
  }
}

/** Redis when REDIS_URL is set (limits hold across replicas), otherwise in memory. */
export function createRateLimiter(redisUrl: string | undefined): RateLimiter {
  if (!redisUrl) return new MemoryRateLimiter();
  return new RedisRateLimiter(new Redis(redisUrl, { maxRetriesPerRequest: 2 }));
}

/**
 * Requests per minute per staff user (STAFF_RATE_LIMIT_PER_MINUTE), counted by the same limiter as the
 * partner tokens' limits (Redis when configured, so that the limit holds across gateway replicas).
 * Every authenticated staff request counts, valid or not; partner tokens are counted by their own limit.
 * Past it: 429 RATE_LIMITED with Retry-After once the operation is resolved, before it is priced,
 * planned or run (Apollo Server turns errors thrown when a request starts into 500s, so the refusal
 * waits for didResolveOperation, as the persisted-operation refusals do).
 */
export function staffRateLimitPlugin<Context extends { actor?: Actor; token?: unknown }>(
  limiter: RateLimiter,
  limitPerMinute: number,
): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ contextValue }) {
      const actor = contextValue.actor;
      if (!actor || actor.kind !== 'USER' || contextValue.token) return;
      const refusal = await limiter.consume(`user:${actor.id}`, limitPerMinute, 'this user').then(
        () => null,
        (error: unknown) => error,
      );
      if (!refusal) return;
      return {
        async didResolveOperation() {
          throw refusal;
        },
      };
    },
  };
}
