import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import Redis from 'ioredis';

/** Counts requests per key in one-minute windows; throws RATE_LIMITED (429 + Retry-After) past the limit. */
export interface RateLimiter {
  consume(key: string, limitPerMinute: number): Promise<void>;
  close(): Promise<void>;
}

const WINDOW_MS = 60_000;

function rateLimited(retryAfterSeconds: number): GraphQLError {
  // Apollo Server reads error headers as a HeaderMap; other packages' typings of `http` may differ.
  const extensions: Record<string, unknown> = {
    code: 'RATE_LIMITED',
    retryAfterSeconds,
    http: { status: 429, headers: new HeaderMap([['retry-after', String(retryAfterSeconds)]]) },
  };
  return new GraphQLError(`Rate limit exceeded for this API token; retry in ${retryAfterSeconds} s.`, { extensions });
}

const retryAfter = (now: number) => Math.max(1, Math.ceil((WINDOW_MS - (now % WINDOW_MS)) / 1000));

/** One gateway instance: enough for a single replica and for tests. */
export class MemoryRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, { window: number; count: number }>();

  async consume(key: string, limitPerMinute: number): Promise<void> {
    const now = Date.now();
    const window = Math.floor(now / WINDOW_MS);
    const current = this.windows.get(key);
    const count = current && current.window === window ? current.count + 1 : 1;
    this.windows.set(key, { window, count });
    if (count > limitPerMinute) throw rateLimited(retryAfter(now));
  }

  async close(): Promise<void> {}
}

/** Counters in Redis, so that a limit holds across gateway replicas. */
export class RedisRateLimiter implements RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'vartija:rate:',
  ) {}

  async consume(key: string, limitPerMinute: number): Promise<void> {
    const now = Date.now();
    const redisKey = `${this.prefix}${key}:${Math.floor(now / WINDOW_MS)}`;
    const [[, count]] = (await this.redis.multi().incr(redisKey).pexpire(redisKey, WINDOW_MS * 2).exec()) as [[unknown, number]];
    if (count > limitPerMinute) throw rateLimited(retryAfter(now));
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
