import { createHash } from 'node:crypto';
import { connectRedis } from '@vartija/kit';
import type Redis from 'ioredis';

/**
 * When a staff session (one token) was last used, for the automatic sign-out. A session's first use
 * counts from the token's issue time, so a token never used before is as idle as it is old.
 */
export interface SessionActivity {
  /**
   * Records a use at `nowMs` unless the session has been idle longer than `idleMs` since its last use
   * (or, on first use, since `issuedAtMs`); returns false then, and the session stays signed out.
   * `keepMs`: how long the record must outlive this use (until the token expires).
   */
  touch(session: string, use: { nowMs: number; issuedAtMs: number; idleMs: number; keepMs: number }): Promise<boolean>;
  close(): Promise<void>;
}

/** One gateway instance: enough for a single replica and for tests. */
export class MemorySessionActivity implements SessionActivity {
  private readonly lastSeen = new Map<string, { at: number; until: number }>();

  async touch(session: string, use: { nowMs: number; issuedAtMs: number; idleMs: number; keepMs: number }): Promise<boolean> {
    const stored = this.lastSeen.get(session)?.at;
    if (use.nowMs - (stored ?? use.issuedAtMs) > use.idleMs) return false;
    this.lastSeen.set(session, { at: Math.max(stored ?? 0, use.nowMs), until: use.nowMs + use.keepMs });
    if (this.lastSeen.size > 50_000) {
      // Sessions whose tokens have expired can go; the map stays bounded by live sessions.
      for (const [key, seen] of this.lastSeen) if (seen.until < use.nowMs) this.lastSeen.delete(key);
    }
    return true;
  }

  async close(): Promise<void> {}
}

/** Compare and update in one step, so that concurrent requests on several replicas agree. */
const TOUCH = `
local raw = redis.call('GET', KEYS[1])
local stored = raw and tonumber(raw)
local now = tonumber(ARGV[1])
if now - (stored or tonumber(ARGV[2])) > tonumber(ARGV[3]) then return 0 end
if stored and stored > now then
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
else
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[4])
end
return 1
`;

/** Last use in Redis (REDIS_URL), shared by gateway replicas: activity on one keeps the session alive on all. */
export class RedisSessionActivity implements SessionActivity {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'vartija:idle:',
  ) {}

  async touch(session: string, use: { nowMs: number; issuedAtMs: number; idleMs: number; keepMs: number }): Promise<boolean> {
    // Keys name no user: a digest of the session (issuer, subject, token id).
    const key = `${this.prefix}${createHash('sha256').update(session).digest('base64url')}`;
    const ok = await this.redis.eval(TOUCH, 1, key, use.nowMs, use.issuedAtMs, use.idleMs, Math.max(1_000, Math.ceil(use.keepMs)));
    return ok === 1;
  }

  async close(): Promise<void> {
    await this.redis.quit();
  }
}

/** Redis when REDIS_URL is set (idle sign-out holds across replicas), otherwise in memory. */
export function createSessionActivity(redisUrl: string | undefined): SessionActivity {
  if (!redisUrl) return new MemorySessionActivity();
  return new RedisSessionActivity(connectRedis(redisUrl, 'gateway idle sign-out'));
}
