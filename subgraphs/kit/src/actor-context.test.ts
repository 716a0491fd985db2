import { GraphQLError } from 'graphql';
import Redis from 'ioredis';
import { exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import type { Actor } from './actor';
import {
  ActorContextError,
  ActorContextSigner,
  ActorContextVerifier,
  MemoryReplayCache,
  RedisReplayCache,
  requestBodyDigest,
} from './actor-context';

const actor: Actor = {
  kind: 'USER',
  id: '00000000-0000-4000-8000-00000000000a',
  login: 'sw-child',
  organisationId: '00000000-0000-4000-8000-0000000000a0',
  grants: [],
  scopes: [],
  purpose: 'CLIENT_WORK',
  emergency: false,
  intent: 'VIEW',
  requestId: '00000000-0000-4000-8000-000000000001',
  operationName: 'ClientPage',
  callerAddress: null,
};
const body = JSON.stringify({ query: 'query ($id: ID!) { client(id: $id) { id displayName } }', variables: { id: actor.id } });
const POST = (b = body) => ({ method: 'POST', body: b });

let privateJwk: JWK;
let publicJwk: JWK;
beforeAll(async () => {
  const pair = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  privateJwk = { ...(await exportJWK(pair.privateKey)), kid: 'test' };
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'test' };
});

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
    const signer = await ActorContextSigner.fromJwk(privateJwk);
    const verifier = await ActorContextVerifier.fromJwk(publicJwk);
    const token = await signer.sign(actor, body);
    await expect(reason(verifier.verify(token, POST(body.replace('displayName', 'personalIdentityCode'))))).resolves.toMatch(/another request/);
    await expect(reason(verifier.verify(token, { method: 'GET', body }))).resolves.toMatch(/another request/);
    await expect(verifier.verify(token, POST())).resolves.toEqual(actor);
    await expect(reason(verifier.verify(token, POST()))).resolves.toMatch(/already been used/);
  });

  it('gives every signature its own jti and the digest of its body', async () => {
    const signer = await ActorContextSigner.fromJwk(privateJwk);
    const claims = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { jti: string; bdy: string };
    const [a, b] = await Promise.all([signer.sign(actor, body), signer.sign(actor, body)]);
    expect(claims(a!).jti).not.toBe(claims(b!).jti);
    expect(claims(a!).bdy).toBe(requestBodyDigest(body));
  });

  it('refuses a context without a body digest or jti (the old, replayable kind)', async () => {
    const verifier = await ActorContextVerifier.fromJwk(publicJwk);
    const old = await new SignJWT({ act: actor })
      .setProtectedHeader({ alg: 'EdDSA' })
      .setIssuer('vartija-gateway')
      .setAudience('vartija-subgraph')
      .setJti(actor.requestId)
      .setIssuedAt()
      .setExpirationTime('30s')
      .sign(await importJWK(privateJwk, 'EdDSA'));
    await expect(reason(verifier.verify(old, POST()))).resolves.toMatch(/bdy claim/);
  });

  it('refuses a context that lives longer than five minutes (the replay cache would have to keep it)', async () => {
    const longLived = await ActorContextSigner.fromJwk(privateJwk, 3600);
    const verifier = await ActorContextVerifier.fromJwk(publicJwk);
    await expect(reason(verifier.verify(await longLived.sign(actor, body), POST()))).resolves.toMatch(/too long/);
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
    const signer = await ActorContextSigner.fromJwk(privateJwk);
    const replicaA = await ActorContextVerifier.fromJwk(publicJwk, new RedisReplayCache(new Redis(redisUrl)));
    const replicaB = await ActorContextVerifier.fromJwk(publicJwk, new RedisReplayCache(new Redis(redisUrl)));
    try {
      const token = await signer.sign(actor, body);
      await expect(replicaA.verify(token, POST())).resolves.toEqual(actor);
      await expect(reason(replicaB.verify(token, POST()))).resolves.toMatch(/already been used/);
      const other = await signer.sign(actor, body);
      await expect(replicaB.verify(other, POST())).resolves.toEqual(actor);
      await expect(reason(replicaA.verify(other, POST()))).resolves.toMatch(/already been used/);
    } finally {
      await replicaA.close();
      await replicaB.close();
    }
  });

  it('fails closed with SERVICE_UNAVAILABLE when Redis cannot be reached', async () => {
    const redis = { set: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379')), quit: async () => 'OK' } as unknown as Redis;
    const verifier = await ActorContextVerifier.fromJwk(publicJwk, new RedisReplayCache(redis));
    const token = await (await ActorContextSigner.fromJwk(privateJwk)).sign(actor, body);
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
    aud: 'vartija-subgraph',
    jti: crypto.randomUUID(),
    iat: now(),
    exp: now() + 30,
    ...extra,
  });
  const joseSigned = async (payload: Record<string, unknown>, header: Record<string, unknown> = {}) =>
    new SignJWT(payload).setProtectedHeader({ alg: 'EdDSA', ...header }).sign(await importJWK(privateJwk, 'EdDSA'));

  it('accepts a standard EdDSA JWS with every claim, whichever library made it (jose here)', async () => {
    const verifier = await ActorContextVerifier.fromJwk(publicJwk);
    await expect(verifier.verify(await joseSigned(claims()), POST())).resolves.toEqual(actor);
  });

  it('refuses alg none, and HS256 keyed with the public key (algorithm confusion)', async () => {
    const verifier = await ActorContextVerifier.fromJwk(publicJwk);
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`;
    await expect(reason(verifier.verify(unsigned, POST()))).resolves.toMatch(/signature is not valid/);
    const { createHmac, createPublicKey } = await import('node:crypto');
    const pem = createPublicKey({ key: publicJwk as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();
    for (const secret of [pem, String(publicJwk.x)]) {
      const input = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims())}`;
      const forged = `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
      await expect(reason(verifier.verify(forged, POST()))).resolves.toMatch(/signature is not valid/);
    }
  });

  it('refuses a changed payload, a foreign key, an unknown critical header and a malformed token', async () => {
    const verifier = await ActorContextVerifier.fromJwk(publicJwk);
    const [header, , signature] = (await joseSigned(claims())).split('.');
    const promoted = `${header}.${b64(claims({ act: { ...actor, grants: [{ ...actor, role: 'REGISTRAR' }] } }))}.${signature}`;
    await expect(reason(verifier.verify(promoted, POST()))).resolves.toMatch(/signature is not valid/);
    const other = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const foreign = await new SignJWT(claims()).setProtectedHeader({ alg: 'EdDSA' }).sign(other.privateKey);
    await expect(reason(verifier.verify(foreign, POST()))).resolves.toMatch(/signature is not valid/);
    // Genuinely signed, but with a critical extension the verifier does not understand: refused, not ignored.
    const { createPrivateKey, sign } = await import('node:crypto');
    const input = `${b64({ alg: 'EdDSA', crit: ['exp2'], exp2: 1 })}.${b64(claims())}`;
    const critical = `${input}.${sign(null, Buffer.from(input), createPrivateKey({ key: privateJwk as never, format: 'jwk' })).toString('base64url')}`;
    await expect(reason(verifier.verify(critical, POST()))).resolves.toMatch(/not valid/);
    const plainInput = `${b64({ alg: 'EdDSA' })}.${b64(claims())}`;
    const plain = `${plainInput}.${sign(null, Buffer.from(plainInput), createPrivateKey({ key: privateJwk as never, format: 'jwk' })).toString('base64url')}`;
    await expect(verifier.verify(plain, POST())).resolves.toEqual(actor);
    for (const junk of ['', 'a.b', 'a.b.c.d', '....', `${b64({ alg: 'EdDSA' })}.not-json.sig`]) {
      await expect(reason(verifier.verify(junk || ' ', POST()))).resolves.toMatch(/not valid|missing/);
    }
  });

  it('refuses another issuer or audience, a context not yet valid, and claims of the wrong type', async () => {
    const verifier = await ActorContextVerifier.fromJwk(publicJwk);
    await expect(reason(verifier.verify(await joseSigned(claims({ iss: 'someone' })), POST()))).resolves.toMatch(/iss claim/);
    await expect(reason(verifier.verify(await joseSigned(claims({ aud: 'vartija-gateway' })), POST()))).resolves.toMatch(/aud claim/);
    await expect(reason(verifier.verify(await joseSigned(claims({ iss: undefined })), POST()))).resolves.toMatch(/iss claim/);
    await expect(reason(verifier.verify(await joseSigned(claims({ aud: undefined })), POST()))).resolves.toMatch(/aud claim/);
    // Issued in the future (and so expiring late: the replay cache would have to keep its jti as long).
    await expect(reason(verifier.verify(await joseSigned(claims({ iat: now() + 3600, exp: now() + 3630 })), POST()))).resolves.toMatch(/iat claim/);
    await expect(reason(verifier.verify(await joseSigned(claims({ nbf: now() + 600 })), POST()))).resolves.toMatch(/not valid yet/);
    await expect(reason(verifier.verify(await joseSigned(claims({ jti: 42 })), POST()))).resolves.toMatch(/jti claim/);
    await expect(reason(verifier.verify(await joseSigned(claims({ exp: undefined })), POST()))).resolves.toMatch(/exp claim/);
    await expect(reason(verifier.verify(await joseSigned(claims({ iat: undefined })), POST()))).resolves.toMatch(/iat claim/);
    await expect(reason(verifier.verify(await joseSigned(claims({ bdy: 7 })), POST()))).resolves.toMatch(/bdy claim/);
    await expect(reason(verifier.verify(await joseSigned(claims({ iat: now() - 120, exp: now() - 60 })), POST()))).resolves.toMatch(/expired/);
  });

  it('takes only an Ed25519 key', async () => {
    const ec = await generateKeyPair('ES256', { extractable: true });
    await expect(ActorContextSigner.fromJwk(await exportJWK(ec.privateKey))).rejects.toThrow(/Ed25519/);
    await expect(ActorContextVerifier.fromJwk(await exportJWK(ec.publicKey))).rejects.toThrow(/Ed25519/);
    // The private key given where the public one belongs: refused, not quietly turned into its public half.
    await expect(ActorContextVerifier.fromJwk(privateJwk)).rejects.toThrow(/private key/);
  });
});
