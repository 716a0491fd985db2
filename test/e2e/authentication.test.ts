import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { grants, users } from '@vartija/db';
import { eq } from 'drizzle-orm';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';

type CryptoKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
import { codesOf, DEMO, startTestStack, type TestStack } from '../testkit';

const ME = '{ me { login } }';

describe('staff tokens from an OIDC issuer', () => {
  const issuer = 'https://login.region.test';
  const audience = 'vartija-api';
  let t: TestStack;
  let jwksServer: http.Server;
  let signingKey: CryptoKey;
  let otherKey: CryptoKey;

  const oidcToken = async (claims: { sub?: string; aud?: string; key?: CryptoKey; ttl?: number }) =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: 'idp-1' })
      .setIssuer(issuer)
      .setAudience(claims.aud ?? audience)
      .setSubject(claims.sub ?? 'idp|sw-child')
      .setIssuedAt()
      .setExpirationTime(`${claims.ttl ?? 600}s`)
      .sign(claims.key ?? signingKey);

  beforeAll(async () => {
    ({ privateKey: signingKey } = await generateKeyPair('RS256', { extractable: true }).then(async (pair) => {
      const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: 'idp-1', alg: 'RS256', use: 'sig' };
      jwksServer = http.createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ keys: [jwk] }));
      });
      await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
      return pair;
    }));
    otherKey = (await generateKeyPair('RS256')).privateKey;
    const port = (jwksServer.address() as AddressInfo).port;
    t = await startTestStack({ oidc: { issuer, audience, jwksUrl: `http://127.0.0.1:${port}/jwks` } });
    await t.database.db.update(users).set({ externalSubject: 'idp|sw-child' }).where(eq(users.login, 'sw-child'));
  });
  afterAll(async () => {
    await t?.close();
    jwksServer?.close();
  });

  it('accepts a token of the issuer and maps its subject to the user', async () => {
    const result = await t.execute<{ me: { login: string } }>({ token: await oidcToken({}), query: ME });
    expect(result.errors).toBeUndefined();
    expect(result.data?.me.login).toBe('sw-child');
  });

  it('refuses a token for another audience, naming the claim', async () => {
    const result = await t.execute({ token: await oidcToken({ aud: 'another-app' }), query: ME });
    expect(result.status).toBe(401);
    expect(result.errors?.[0]?.message).toMatch(/aud/);
  });

  it('refuses a token signed by a key the issuer does not publish', async () => {
    const result = await t.execute({ token: await oidcToken({ key: otherKey }), query: ME });
    expect(result.status).toBe(401);
  });

  it('refuses an unknown subject', async () => {
    const result = await t.execute({ token: await oidcToken({ sub: 'idp|nobody' }), query: ME });
    expect(result.status).toBe(401);
    expect(codesOf(result)).toEqual(['UNAUTHENTICATED']);
  });

  it('refuses a malformed token', async () => {
    const result = await t.execute({ token: 'not.a.jwt', query: ME });
    expect(result.status).toBe(401);
  });
});

describe('automatic sign-out and token lifetime', () => {
  let t: TestStack;
  beforeAll(async () => {
    t = await startTestStack({ idleTimeoutSeconds: 1, maxTokenAgeSeconds: 3600 });
  });
  afterAll(() => t?.close());

  it('signs a session out after the idle limit', async () => {
    const token = await t.tokenFor('sw-child', 600);
    expect((await t.execute({ token, query: ME })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_300));
    const idle = await t.execute({ token, query: ME });
    expect(idle.status).toBe(401);
    expect(idle.errors?.[0]?.message).toMatch(/without activity/);
  });

  it('refuses a token whose lifetime exceeds the configured maximum', async () => {
    const result = await t.execute({ token: await t.tokenFor('sw-child', 7_200), query: ME });
    expect(result.status).toBe(401);
    expect(result.errors?.[0]?.message).toMatch(/lifetime/);
  });
});

describe('grant changes take effect within the cache time', () => {
  let t: TestStack;
  beforeAll(async () => {
    t = await startTestStack({ grantCacheMs: 300 });
  });
  afterAll(() => t?.close());

  it('refuses sw-family once its grant is revoked', async () => {
    expect((await t.execute({ as: 'sw-family', query: ME })).status).toBe(200);
    await t.database.db.update(grants).set({ revokedAt: new Date() }).where(eq(grants.id, DEMO.users['sw-family'].grantId));
    await new Promise((r) => setTimeout(r, 400));
    const after = await t.execute({ as: 'sw-family', query: ME });
    expect(after.status).toBe(403);
    expect(codesOf(after)).toEqual(['FORBIDDEN']);
  });
});
