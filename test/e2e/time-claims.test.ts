import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DEFAULT_SUPERGRAPH_PATH, DEV_TOKEN_AUDIENCE, DEV_TOKEN_ISSUER } from '@vartija/gateway';
import { type GatewayReplica, startGateway } from '@vartija/tools';
import { importJWK, SignJWT } from 'jose';
import request from 'supertest';
import { codesOf, startTestStack, type TestStack } from '../testkit';

/** Issue 10, item 3: issue time in the future, idleness of a token never used, idle state across replicas. */
const ME = '{ me { login } }';
const HOUR = 3600;
const now = () => Math.floor(Date.now() / 1000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A development staff token with the given iat and exp (seconds) and its own jti. */
async function staffToken(t: TestStack, login: string, iat: number, exp: number): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'EdDSA', kid: t.keys.tokenSigning.privateJwk.kid })
    .setIssuer(DEV_TOKEN_ISSUER)
    .setAudience(DEV_TOKEN_AUDIENCE)
    .setSubject(login)
    .setJti(randomUUID())
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(await importJWK(t.keys.tokenSigning.privateJwk, 'EdDSA'));
}

async function me(gatewayUrl: string, token: string) {
  const res = await request(gatewayUrl).post('/graphql').set('authorization', `Bearer ${token}`).send({ query: ME });
  return { status: res.status, errors: res.body?.errors as { message: string; extensions?: { code?: string } }[] | undefined };
}

describe('issue time and idleness (defaults: clock skew 60 s, idle 30 min)', () => {
  let t: TestStack;
  beforeAll(async () => {
    t = await startTestStack();
  });
  afterAll(() => t?.close());

  it('refuses a token issued a year in the future, even with an 8-hour lifetime, naming the reason', async () => {
    const iat = now() + 365 * 24 * HOUR;
    const result = await t.execute({ token: await staffToken(t, 'sw-child', iat, iat + 8 * HOUR), query: ME });
    expect(result.status).toBe(401);
    expect(codesOf(result)).toEqual(['UNAUTHENTICATED']);
    expect(result.errors?.[0]?.message).toMatch(/issued in the future.*clock skew of 60 s/);
    expect(result.data ?? null).toBeNull();
  });

  it('refuses a token issued just beyond the clock skew, accepts one within it', async () => {
    const beyond = now() + 120;
    expect((await t.execute({ token: await staffToken(t, 'sw-child', beyond, beyond + HOUR), query: ME })).status).toBe(401);
    const within = now() + 30;
    const ok = await t.execute<{ me: { login: string } }>({ token: await staffToken(t, 'sw-child', within, within + HOUR), query: ME });
    expect(ok.errors).toBeUndefined();
    expect(ok.data?.me.login).toBe('sw-child');
  });

  it('refuses a token never used before that is older than the idle limit', async () => {
    const iat = now() - 2 * HOUR; // lifetime 3 h: within TOKEN_MAX_AGE_SECONDS, and not expired
    const result = await t.execute({ token: await staffToken(t, 'sw-child', iat, iat + 3 * HOUR), query: ME });
    expect(result.status).toBe(401);
    expect(result.errors?.[0]?.message).toMatch(/without activity/);
  });

  it('accepts a token used for the first time well within the idle limit of its issue', async () => {
    const iat = now() - 10 * 60;
    const result = await t.execute({ token: await staffToken(t, 'sw-child', iat, iat + HOUR), query: ME });
    expect(result.status).toBe(200);
  });
});

describe('idle sign-out across two gateway replicas sharing Redis', () => {
  const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  const IDLE = 3;
  let t: TestStack;
  let replicaB: GatewayReplica;
  beforeAll(async () => {
    t = await startTestStack({ redisUrl, idleTimeoutSeconds: IDLE });
    // A second gateway instance in front of the same subgraphs and database, with its own process state.
    replicaB = await startGateway(
      { database: t.database, keys: t.keys, supergraphSdl: readFileSync(DEFAULT_SUPERGRAPH_PATH, 'utf8'), redisUrl, idleTimeoutSeconds: IDLE },
      t.stack.subgraphUrls,
    );
  });
  afterAll(async () => {
    await replicaB?.stop();
    await t?.close();
  });

  it('activity on one replica keeps the session alive on the other; idleness signs it out on both', async () => {
    const A = t.stack.gatewayUrl;
    const B = replicaB.gatewayUrl;
    const token = await staffToken(t, 'sw-child', now(), now() + HOUR);
    expect((await me(B, token)).status).toBe(200);
    await sleep(1_600);
    expect((await me(A, token)).status).toBe(200);
    await sleep(1_600);
    expect((await me(A, token)).status).toBe(200);
    // B itself last saw the session over IDLE seconds ago; A saw it just now.
    expect((await me(B, token)).status).toBe(200);

    await sleep(IDLE * 1000 + 400);
    const idleA = await me(A, token);
    expect(idleA.status).toBe(401);
    expect(idleA.errors?.[0]?.message).toMatch(/without activity/);
    expect((await me(B, token)).status).toBe(401);
  });
});
