import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { MemorySessionActivity, RedisSessionActivity, type SessionActivity } from './session-activity';

const IDLE = 1_000;
const use = (nowMs: number, issuedAtMs = 0) => ({ nowMs, issuedAtMs, idleMs: IDLE, keepMs: 60_000 });

function behaves(name: string, make: () => SessionActivity[]) {
  describe(name, () => {
    let stores: SessionActivity[];
    beforeEach(() => {
      stores = make();
    });
    afterEach(async () => {
      await Promise.all(stores.map((s) => s.close()));
    });

    it('counts a first use from the issue time', async () => {
      const [store] = stores;
      await expect(store!.touch(randomUUID(), use(10_000, 8_000))).resolves.toBe(false);
      await expect(store!.touch(randomUUID(), use(10_000, 9_500))).resolves.toBe(true);
    });

    it('keeps a session alive while it is used, and signs it out for good once idle', async () => {
      const [store] = stores;
      const session = randomUUID();
      for (const at of [0, 900, 1_800, 2_700]) await expect(store!.touch(session, use(at))).resolves.toBe(true);
      await expect(store!.touch(session, use(3_800))).resolves.toBe(false);
      await expect(store!.touch(session, use(3_900))).resolves.toBe(false);
    });

    it('never moves the last use backwards (requests finishing out of order)', async () => {
      const [store] = stores;
      const session = randomUUID();
      await store!.touch(session, use(900));
      await store!.touch(session, use(500));
      await expect(store!.touch(session, use(1_850))).resolves.toBe(true);
    });
  });
}

behaves('in memory', () => [new MemorySessionActivity()]);

const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
behaves('in Redis', () => [new RedisSessionActivity(new Redis(redisUrl)), new RedisSessionActivity(new Redis(redisUrl))]);

describe('in Redis, two replicas', () => {
  it('share the last use: activity on one keeps the session alive on the other', async () => {
    const [a, b] = [new RedisSessionActivity(new Redis(redisUrl)), new RedisSessionActivity(new Redis(redisUrl))];
    try {
      const session = randomUUID();
      await expect(b.touch(session, use(0))).resolves.toBe(true);
      await expect(a.touch(session, use(800))).resolves.toBe(true);
      await expect(a.touch(session, use(1_600))).resolves.toBe(true);
      await expect(b.touch(session, use(2_000))).resolves.toBe(true);
      await expect(a.touch(session, use(3_100))).resolves.toBe(false);
      await expect(b.touch(session, use(3_100))).resolves.toBe(false);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
