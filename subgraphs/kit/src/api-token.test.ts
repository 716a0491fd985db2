import { generateApiToken, hashSecret, parseApiToken, secretMatches } from './api-token';

describe('partner API tokens', () => {
  it('round-trips a generated token and matches only its own secret', () => {
    const { token, lookup, secretHash } = generateApiToken();
    expect(token).toMatch(/^vrt_pt_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
    const parsed = parseApiToken(token)!;
    expect(parsed.lookup).toBe(lookup);
    expect(secretMatches(parsed.secret, secretHash)).toBe(true);
    expect(secretMatches(`${parsed.secret.slice(0, -1)}A`, secretHash)).toBe(parsed.secret.endsWith('A'));
    expect(secretHash).toBe(hashSecret(parsed.secret));
    expect(secretHash).not.toContain(parsed.secret);
  });

  it('rejects values that are not tokens', () => {
    expect(parseApiToken('vrt_pt_1234567_short')).toBeNull();
    expect(parseApiToken('eyJhbGciOiJFZERTQSJ9.e30.sig')).toBeNull();
    expect(parseApiToken(`vrt_pt_ABCDEF12_${'a'.repeat(43)}`)).toBeNull();
  });
});
