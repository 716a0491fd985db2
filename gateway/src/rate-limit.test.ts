import { countingRefusals, MemoryRateLimiter } from './rate-limit';

describe('rate-limit refusals are counted by limit', () => {
  it('tells of each RATE_LIMITED refusal with its key, and of nothing else', async () => {
    const refused: string[] = [];
    const limiter = countingRefusals(new MemoryRateLimiter(), (key) => refused.push(key));
    await limiter.consume('user:1', 1);
    await expect(limiter.consume('user:1', 1)).rejects.toMatchObject({ extensions: { code: 'RATE_LIMITED' } });
    await limiter.consume('token-1', 2);
    await limiter.consume('token-1', 2);
    await expect(limiter.consume('token-1', 2)).rejects.toMatchObject({ extensions: { code: 'RATE_LIMITED' } });
    expect(refused).toEqual(['user:1', 'token-1']);
    expect(limiter.ready).toBeUndefined();
  });

  it('passes a store failure on uncounted', async () => {
    const refused: string[] = [];
    const failing = { consume: () => Promise.reject(new Error('down')), close: async () => {}, ready: async () => false };
    const limiter = countingRefusals(failing, (key) => refused.push(key));
    await expect(limiter.consume('user:1', 1)).rejects.toThrow('down');
    expect(refused).toEqual([]);
    expect(await limiter.ready!()).toBe(false);
  });
});
