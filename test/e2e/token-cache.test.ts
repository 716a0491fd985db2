/**
 * The gateway keeps a verified staff token until its `exp` (issue 16): only the very same token hits
 * the cache, and it stops at `exp` exactly as verification would.
 */
import { startTestStack, type TestStack } from '../testkit';

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack({ grantCacheMs: 60_000 });
});
afterAll(() => t?.close());

const ME = '{ me { login } }';

describe('verified-token cache', () => {
  it('a cached token stops working at its exp', async () => {
    const token = await t.tokenFor('sw-child', 2);
    expect((await t.execute({ token, query: ME })).status).toBe(200);
    expect((await t.execute({ token, query: ME })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const late = await t.execute({ token, query: ME });
    expect(late.status).toBe(401);
    expect(late.errors?.[0]?.message).toMatch(/expired/);
  });

  it('a token differing from a cached one only in its signature is refused', async () => {
    const token = await t.tokenFor('sw-child');
    expect((await t.execute({ token, query: ME })).status).toBe(200);
    const [header, payload, signature] = token.split('.');
    const flipped = `${header}.${payload}.${signature!.slice(0, -2)}${signature!.endsWith('AA') ? 'BA' : 'AA'}`;
    const forged = await t.execute({ token: flipped, query: ME });
    expect(forged.status).toBe(401);
    expect(forged.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
  });

  it('a token whose payload was changed (another login) after the original was cached is refused', async () => {
    const token = await t.tokenFor('sw-child');
    expect((await t.execute({ token, query: ME })).status).toBe(200);
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<string, unknown>;
    const swapped = Buffer.from(JSON.stringify({ ...claims, sub: 'dpo' })).toString('base64url');
    const forged = await t.execute({ token: `${header}.${swapped}.${signature}`, query: ME });
    expect(forged.status).toBe(401);
  });
});
