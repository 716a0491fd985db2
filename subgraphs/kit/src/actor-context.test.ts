import { GraphQLError } from 'graphql';
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { generateKeyPair, SignJWT } from 'jose';
import type { Actor } from './actor';
import { sampleActor } from './testing';
import {
  ActorContextError,
  ActorContextSigner,
  ActorContextVerifier,
  MemoryReplayCache,
  RedisReplayCache,
  requestBodyDigest,
  reusedActorContextKey,
  subgraphActorContextKey,
} from './actor-context';

const actor: Actor = sampleActor({ operationName: 'ClientPage' });
const body = JSON.stringify({ query: 'query ($id: ID!) { client(id: $id) { id displayName } }', variables: { id: actor.id } });
const POST = (b = body) => ({ method: 'POST', body: b });

/** The gateway's secret; the subgraph under test is `clients`, with the key derived for it. */
const secret = randomBytes(32).toString('base64url');
const clientsKey = subgraphActorContextKey(secret, 'clients');
const TO_CLIENTS = { subgraph: 'clients' } as const;
const newSigner = (ttlSeconds?: number) => ActorContextSigner.fromSecret(secret, ttlSeconds);
const newVerifier = (replay?: MemoryReplayCache | RedisReplayCache) => ActorContextVerifier.fromKey(clientsKey, 'clients', replay);

async function reason(run: Promise<unknown>): Promise<string> {
  try {
    await run;
  } catch (error) {
    expect(error).toBeInstanceOf(ActorContextError);
    return (error as Error).message;
  }
  throw new Error('expected the context to be refused');
}

describe('actor context bound to one request', () => {
  it('is accepted once, for its exact body, by POST', async () => {
    const signer = newSigner();
    const verifier = newVerifier();
    const token = await signer.sign(actor, body, TO_CLIENTS);
    await expect(reason(verifier.verify(token, POST(body.replace('displayName', 'personalIdentityCode'))))).resolves.toMatch(/another request/);
    await expect(reason(verifier.verify(token, { method: 'GET', body }))).resolves.toMatch(/another request/);
    await expect(verifier.verify(token, POST())).resolves.toEqual(actor);
    await expect(reason(verifier.verify(token, POST()))).resolves.toMatch(/already been used/);
  });

  it('gives every signature its own jti and the digest of its body', async () => {
    const signer = newSigner();
    const claims = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { jti: string; bdy: string };
    const [a, b] = await Promise.all([signer.sign(actor, body, TO_CLIENTS), signer.sign(actor, body, TO_CLIENTS)]);
    expect(claims(a!).jti).not.toBe(claims(b!).jti);
    expect(claims(a!).bdy).toBe(requestBodyDigest(body));
  });

  it('refuses a context without a body digest or jti (the old, replayable kind)', async () => {
    const verifier = newVerifier();
    const old = await new SignJWT({ act: actor })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('vartija-gateway')
      .setAudience('vartija-subgraph:clients')
      .setJti(actor.requestId)
      .setIssuedAt()
      .setExpirationTime('30s')
      .sign(Buffer.from(clientsKey, 'base64url'));
    await expect(reason(verifier.verify(old, POST()))).resolves.toMatch(/bdy claim/);
  });

  it('refuses a context that lives longer than five minutes (the replay cache would have to keep it)', async () => {
    const longLived = newSigner(3600);
    const verifier = newVerifier();
    await expect(reason(verifier.verify(await longLived.sign(actor, body, TO_CLIENTS), POST()))).resolves.toMatch(/too long/);
  });

  it('remembers a jti well past the last instant the context is accepted (exp + clock tolerance)', async () => {
    const asked: number[] = [];
    const recording = { firstUse: async (_jti: string, until: number) => (asked.push(until), true), close: async () => {} };
    const token = await newSigner().sign(actor, body, TO_CLIENTS);
    const { exp } = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { exp: number };
    await ActorContextVerifier.fromKey(clientsKey, 'clients', recording).verify(token, POST());
    // Accepted up to (exp + 2 s); a replay at that edge, or on a replica whose clock is behind, must still be known.
    expect(asked[0]!).toBeGreaterThanOrEqual((exp + 2) * 1000 + 5_000);
  });

  it('forgets a jti only after the context has expired', async () => {
    // A fake clock: a busy machine must not turn "before expiry" into "after".
    jest.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z'), doNotFake: ['nextTick', 'setImmediate'] });
    try {
      const cache = new MemoryReplayCache();
      const soon = Date.now() + 50;
      await expect(cache.firstUse('a', soon)).resolves.toBe(true);
      jest.setSystemTime(soon - 1);
      await expect(cache.firstUse('a', soon)).resolves.toBe(false);
      jest.setSystemTime(soon + 30);
      await expect(cache.firstUse('a', Date.now() + 1_000)).resolves.toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('replicated subgraph: used contexts in Redis', () => {
  const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

  it('refuses on one replica a context already used on another', async () => {
    const signer = newSigner();
    const replicaA = newVerifier(new RedisReplayCache(new Redis(redisUrl), 'clients'));
    const replicaB = newVerifier(new RedisReplayCache(new Redis(redisUrl), 'clients'));
    try {
      const token = await signer.sign(actor, body, TO_CLIENTS);
      await expect(replicaA.verify(token, POST())).resolves.toEqual(actor);
      await expect(reason(replicaB.verify(token, POST()))).resolves.toMatch(/already been used/);
      const other = await signer.sign(actor, body, TO_CLIENTS);
      await expect(replicaB.verify(other, POST())).resolves.toEqual(actor);
      await expect(reason(replicaA.verify(other, POST()))).resolves.toMatch(/already been used/);
    } finally {
      await replicaA.close();
      await replicaB.close();
    }
  });

  it('fails closed with SERVICE_UNAVAILABLE when Redis cannot be reached', async () => {
    const redis = { set: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379')), quit: async () => 'OK' } as unknown as Redis;
    const verifier = newVerifier(new RedisReplayCache(redis, 'clients'));
    const token = await newSigner().sign(actor, body, TO_CLIENTS);
    const refused = await verifier.verify(token, POST()).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(GraphQLError);
    expect((refused as GraphQLError).extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', http: { status: 503 } });
  });
});

describe('actor contexts an attacker crafts', () => {
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = () => Math.floor(Date.now() / 1000);
  const claims = (extra: Record<string, unknown> = {}) => ({
    act: actor,
    bdy: requestBodyDigest(body),
    iss: 'vartija-gateway',
    aud: 'vartija-subgraph:clients',
    jti: crypto.randomUUID(),
    iat: now(),
    exp: now() + 30,
    ...extra,
  });
  const hmacSigned = async (payload: Record<string, unknown>, header: Record<string, unknown> = {}, key = clientsKey, alg = 'HS256') =>
    new SignJWT(payload).setProtectedHeader({ alg, ...header }).sign(Buffer.from(key, 'base64url'));

  it('accepts a standard HS256 JWS with every claim, whichever library made it (jose here)', async () => {
    const verifier = newVerifier();
    await expect(verifier.verify(await hmacSigned(claims()), POST())).resolves.toEqual(actor);
  });

  it('is bound to one subgraph: another subgraph’s context, key or name is refused', async () => {
    const verifier = newVerifier();
    // Signed by the gateway for services: another key and another audience.
    await expect(reason(verifier.verify(await newSigner().sign(actor, body, { subgraph: 'services' }), POST()))).resolves.toMatch(/signature is not valid/);
    // What a compromised services subgraph could make with its own key, naming clients: refused.
    const servicesKey = subgraphActorContextKey(secret, 'services');
    expect(servicesKey).not.toBe(clientsKey);
    await expect(reason(verifier.verify(await hmacSigned(claims(), {}, servicesKey), POST()))).resolves.toMatch(/signature is not valid/);
    // Our own key but another subgraph's name (or the name of no subgraph): the audience is refused.
    for (const aud of ['vartija-subgraph:services', 'vartija-subgraph', 'vartija-gateway']) {
      await expect(reason(verifier.verify(await hmacSigned(claims({ aud })), POST()))).resolves.toMatch(/aud claim/);
    }
    // The gateway's secret itself is not any subgraph's key.
    await expect(reason(verifier.verify(await hmacSigned(claims(), {}, secret), POST()))).resolves.toMatch(/signature is not valid/);
  });

  it('refuses alg none, other algorithms keyed with the same key, and an EdDSA signature', async () => {
    const verifier = newVerifier();
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`;
    await expect(reason(verifier.verify(unsigned, POST()))).resolves.toMatch(/signature is not valid/);
    for (const alg of ['HS384', 'HS512']) {
      await expect(reason(verifier.verify(await hmacSigned(claims(), {}, clientsKey, alg), POST()))).resolves.toMatch(/signature is not valid/);
    }
    const ed = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const edSigned = await new SignJWT(claims()).setProtectedHeader({ alg: 'EdDSA' }).sign(ed.privateKey);
    await expect(reason(verifier.verify(edSigned, POST()))).resolves.toMatch(/signature is not valid/);
  });

  it('refuses a changed payload, a foreign key, an unknown critical header and a malformed token', async () => {
    const verifier = newVerifier();
    const [header, , signature] = (await hmacSigned(claims())).split('.');
    const promoted = `${header}.${b64(claims({ act: { ...actor, grants: [{ ...actor, role: 'REGISTRAR' }] } }))}.${signature}`;
    await expect(reason(verifier.verify(promoted, POST()))).resolves.toMatch(/signature is not valid/);
    const foreign = await hmacSigned(claims(), {}, subgraphActorContextKey(randomBytes(32).toString('base64url'), 'clients'));
    await expect(reason(verifier.verify(foreign, POST()))).resolves.toMatch(/signature is not valid/);
    // Genuinely signed, but with a critical extension the verifier does not understand: refused, not ignored.
    const { createHmac } = await import('node:crypto');
    const macOf = (input: string) => createHmac('sha256', Buffer.from(clientsKey, 'base64url')).update(input).digest('base64url');
    const input = `${b64({ alg: 'HS256', crit: ['exp2'], exp2: 1 })}.${b64(claims())}`;
    await expect(reason(verifier.verify(`${input}.${macOf(input)}`, POST()))).resolves.toMatch(/not valid/);
    const plainInput = `${b64({ alg: 'HS256' })}.${b64(claims())}`;
    await expect(verifier.verify(`${plainInput}.${macOf(plainInput)}`, POST())).resolves.toEqual(actor);
    for (const junk of ['', 'a.b', 'a.b.c.d', '....', `${b64({ alg: 'HS256' })}.not-json.sig`]) {
      await expect(reason(verifier.verify(junk || ' ', POST()))).resolves.toMatch(/not valid|missing/);
    }
  });

  it('refuses another issuer or audience, a context not yet valid, and claims of the wrong type', async () => {
    const verifier = newVerifier();
    await expect(reason(verifier.verify(await hmacSigned(claims({ iss: 'someone' })), POST()))).resolves.toMatch(/iss claim/);
    await expect(reason(verifier.verify(await hmacSigned(claims({ iss: undefined })), POST()))).resolves.toMatch(/iss claim/);
    await expect(reason(verifier.verify(await hmacSigned(claims({ aud: undefined })), POST()))).resolves.toMatch(/aud claim/);
    // Issued in the future (and so expiring late: the replay cache would have to keep its jti as long).
    await expect(reason(verifier.verify(await hmacSigned(claims({ iat: now() + 3600, exp: now() + 3630 })), POST()))).resolves.toMatch(/iat claim/);
    await expect(reason(verifier.verify(await hmacSigned(claims({ nbf: now() + 600 })), POST()))).resolves.toMatch(/not valid yet/);
    await expect(reason(verifier.verify(await hmacSigned(claims({ jti: 42 })), POST()))).resolves.toMatch(/jti claim/);
    await expect(reason(verifier.verify(await hmacSigned(claims({ exp: undefined })), POST()))).resolves.toMatch(/exp claim/);
    await expect(reason(verifier.verify(await hmacSigned(claims({ iat: undefined })), POST()))).resolves.toMatch(/iat claim/);
    await expect(reason(verifier.verify(await hmacSigned(claims({ bdy: 7 })), POST()))).resolves.toMatch(/bdy claim/);
    await expect(reason(verifier.verify(await hmacSigned(claims({ iat: now() - 120, exp: now() - 60 })), POST()))).resolves.toMatch(/expired/);
  });

  it('takes only secrets and keys of at least 32 random bytes as unpadded base64url, and subgraph names', () => {
    expect(() => ActorContextSigner.fromSecret('short')).toThrow(/at least 32/);
    expect(() => ActorContextSigner.fromSecret(randomBytes(16).toString('base64url'))).toThrow(/at least 32/);
    expect(() => ActorContextVerifier.fromKey('{"kty":"OKP"}', 'clients')).toThrow(/at least 32/);
    // A fill or a short pattern is no secret; hex, padding and trailing text are not the generator's form.
    expect(() => ActorContextSigner.fromSecret('A'.repeat(43))).toThrow(/not random/);
    expect(() => ActorContextSigner.fromSecret('abcd'.repeat(11))).toThrow(/not random/);
    expect(() => ActorContextSigner.fromSecret(`${secret}=garbage`)).toThrow(/unpadded base64url/);
    expect(() => ActorContextSigner.fromSecret(randomBytes(32).toString('base64'))).toThrow(/unpadded base64url/);
    expect(() => subgraphActorContextKey(secret, '../clients')).toThrow(/not a subgraph name/);
    // Derivation is stable: a subgraph restarted with the same key verifies what the gateway signs.
    expect(subgraphActorContextKey(secret, 'clients')).toBe(clientsKey);
  });

  it('refuses a jti that is not a UUID (the gateway makes nothing else; nothing else is remembered)', async () => {
    const verifier = newVerifier();
    for (const jti of ['x', 'a'.repeat(5000), '']) {
      await expect(reason(verifier.verify(await hmacSigned(claims({ jti })), POST()))).resolves.toMatch(/jti claim/);
    }
  });

  it('names a subgraph key that is another of its secrets, or derived from one every subgraph holds', () => {
    const cursor = randomBytes(32).toString('base64url');
    expect(reusedActorContextKey(clientsKey, 'clients', { CURSOR_SECRET: cursor, LOG_PSEUDONYM_KEY: 'x'.repeat(40) })).toBeNull();
    expect(reusedActorContextKey(clientsKey, 'clients', { CURSOR_SECRET: clientsKey })).toMatch(/same as CURSOR_SECRET/);
    // The gateway's secret given to the subgraphs as their pseudonym key: each could sign for all.
    expect(reusedActorContextKey(clientsKey, 'clients', { CURSOR_SECRET: cursor, LOG_PSEUDONYM_KEY: secret })).toMatch(/LOG_PSEUDONYM_KEY is the gateway's ACTOR_CONTEXT_SECRET/);
  });
});
