import { createHash, createPrivateKey, createPublicKey, randomUUID } from 'node:crypto';
import { createSigner, createVerifier, TokenError } from 'fast-jwt';
import { GraphQLError } from 'graphql';
import type Redis from 'ioredis';
import type { JWK } from 'jose';
import { type Actor, actorSchema } from './actor';

/** Header that carries the gateway-signed actor context to the subgraphs. */
export const ACTOR_CONTEXT_HEADER = 'x-vartija-actor';
const ISSUER = 'vartija-gateway';
const AUDIENCE = 'vartija-subgraph';
const ALG = 'EdDSA';
const CLOCK_TOLERANCE_SECONDS = 2;
/** Longest context lifetime a subgraph accepts; bounds how long a used `jti` must be remembered. */
const MAX_LIFETIME_SECONDS = 300;

/** Claims every context must carry, typed below (iss and aud must also have the one expected value). */
const REQUIRED_CLAIMS = ['jti', 'iat', 'exp', 'bdy'] as const;

/**
 * Contexts are signed and verified with fast-jwt over node:crypto: one EdDSA signature per subgraph fetch and
 * one verification per subgraph request, synchronously on the service's own thread (jose goes through Web
 * Crypto and cost about twice as much per fetch: bench/FINDINGS.md, item 12).
 */
type Signer = (payload: Record<string, unknown>) => string;
type Verifier = (token: string) => Record<string, unknown>;

/** A JWK (as the deployment's key files hold them) as the PEM fast-jwt takes. */
function pemOf(jwk: JWK, kind: 'private' | 'public'): string {
  // Node would quietly derive the public key from a private one: the signing key must never sit on a subgraph.
  if (kind === 'public' && 'd' in jwk) throw new Error('the actor-context public key is a private key: give the subgraphs the public JWK only');
  const { kid: _kid, alg: _alg, use: _use, key_ops: _ops, ...material } = jwk;
  const key = kind === 'private' ? createPrivateKey({ key: material as never, format: 'jwk' }) : createPublicKey({ key: material as never, format: 'jwk' });
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`the actor-context key must be an Ed25519 key (OKP, crv Ed25519), not ${key.asymmetricKeyType}`);
  return key.export(kind === 'private' ? { type: 'pkcs8', format: 'pem' } : { type: 'spki', format: 'pem' }).toString();
}

/**
 * SHA-256 (base64url) of the exact body of one subgraph request. Signed as the `bdy` claim, it binds
 * a context to that request: the same context with any other body (another operation, other
 * variables, other `_entities` representations) is refused.
 */
export function requestBodyDigest(body: string): string {
  return createHash('sha256').update(body, 'utf8').digest('base64url');
}

export class ActorContextSigner {
  private constructor(
    private readonly signer: Signer,
    private readonly ttlSeconds: number,
  ) {}

  static async fromJwk(privateJwk: JWK, ttlSeconds = 30): Promise<ActorContextSigner> {
    const signer = createSigner({ key: pemOf(privateJwk, 'private'), algorithm: ALG, ...(privateJwk.kid ? { kid: privateJwk.kid } : {}) });
    return new ActorContextSigner(signer as Signer, ttlSeconds);
  }

  /**
   * A context for one subgraph request: `body` is the exact JSON body that will be sent with it. Each
   * call has its own `jti`, so that a subgraph can refuse a second use. With `returnAudit` the subgraph
   * returns its access-log entries to the gateway, which appends them with its own before it answers;
   * the caller may then choose the `jti`, which the returned entries name (ReturnedAudit).
   */
  async sign(actor: Actor, body: string, options: { returnAudit?: boolean; jti?: string } = {}): Promise<string> {
    const iat = Math.floor(Date.now() / 1000);
    return this.signer({
      act: actor,
      bdy: requestBodyDigest(body),
      ...(options.returnAudit ? { rla: true } : {}),
      iss: ISSUER,
      aud: AUDIENCE,
      jti: options.jti ?? randomUUID(),
      iat,
      exp: iat + this.ttlSeconds,
    });
  }
}

export class ActorContextError extends Error {}

/**
 * A genuine context presented a second time: either a replay, or the gateway's own use after someone
 * who captured it used it first. Carries the actor so the subgraph can log the refusal under it.
 */
export class ReplayedActorContextError extends ActorContextError {
  constructor(
    readonly actor: Actor,
    readonly returnAudit: boolean,
    readonly jti: string,
  ) {
    super('actor context has already been used');
  }
}

/** Remembers the `jti` of every context used, until the context expires. */
export interface ActorContextReplayCache {
  /** True the first time `jti` is presented; false for every later use before `expiresAtMs`. */
  firstUse(jti: string, expiresAtMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/** One subgraph process (each context is for one subgraph request, so this suffices for one replica). */
export class MemoryReplayCache implements ActorContextReplayCache {
  private readonly seen = new Map<string, number>();
  private nextSweep = 0;

  async firstUse(jti: string, expiresAtMs: number): Promise<boolean> {
    const now = Date.now();
    if (now >= this.nextSweep) {
      for (const [key, until] of this.seen) if (until <= now) this.seen.delete(key);
      this.nextSweep = now + 5_000;
    }
    const until = this.seen.get(jti);
    if (until !== undefined && until > now) return false;
    this.seen.set(jti, expiresAtMs);
    return true;
  }

  async close(): Promise<void> {}
}

/** Shared by the replicas of a subgraph (REDIS_URL): a context replayed to another replica is refused too. */
export class RedisReplayCache implements ActorContextReplayCache {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'vartija:actor-jti:',
  ) {}

  async firstUse(jti: string, expiresAtMs: number): Promise<boolean> {
    const ttl = Math.max(1, expiresAtMs - Date.now());
    let stored: string | null;
    try {
      stored = await this.redis.set(`${this.prefix}${jti}`, '1', 'PX', ttl, 'NX');
    } catch {
      throw new GraphQLError('The replay check of the actor context is unavailable (Redis); try again shortly.', {
        extensions: { code: 'SERVICE_UNAVAILABLE', http: { status: 503 } },
      });
    }
    return stored === 'OK';
  }

  async close(): Promise<void> {
    await this.redis.quit();
  }
}

/** The request a context is presented with: its method and exact body. */
export interface PresentedRequest {
  method: string | undefined;
  body: string;
}

/** A verified context: the actor, and whether the gateway appends this request's log entries (`rla`). */
export interface VerifiedContext {
  actor: Actor;
  returnAudit: boolean;
  /** The context's own id: entries returned to the gateway name it, so they cannot be taken for another fetch's. */
  jti: string;
}

export class ActorContextVerifier {
  private constructor(
    private readonly verifier: Verifier,
    private readonly replay: ActorContextReplayCache,
  ) {}

  static async fromJwk(publicJwk: JWK, replay: ActorContextReplayCache = new MemoryReplayCache()): Promise<ActorContextVerifier> {
    const verifier = createVerifier({
      key: pemOf(publicJwk, 'public'),
      algorithms: [ALG],
      allowedIss: ISSUER,
      allowedAud: AUDIENCE,
      // fast-jwt checks a claim only when present; jose required them.
      requiredClaims: ['iss', 'aud', ...REQUIRED_CLAIMS],
      clockTolerance: CLOCK_TOLERANCE_SECONDS * 1000,
      cache: false, // each context is good once anyway
    });
    return new ActorContextVerifier(verifier as Verifier, replay);
  }

  /**
   * The actor of a context that is signed by the gateway, unexpired, made for exactly this request and
   * not used before. Throws ActorContextError with a reason safe to show otherwise.
   */
  async verify(token: string | undefined, request: PresentedRequest): Promise<Actor> {
    return (await this.verifyRequest(token, request)).actor;
  }

  /** As `verify`, with the gateway's signed instruction where this request's access-log entries go. */
  async verifyRequest(token: string | undefined, request: PresentedRequest): Promise<VerifiedContext> {
    if (!token) throw new ActorContextError('missing actor context: subgraphs are reached only through the gateway');
    let payload: Record<string, unknown>;
    try {
      // The signature (EdDSA only), iss and aud (exactly ours), exp and nbf (with the clock tolerance), crit headers.
      payload = this.verifier(token);
    } catch (error) {
      throw new ActorContextError(refusal(error));
    }
    for (const claim of REQUIRED_CLAIMS) {
      const value = payload[claim];
      if (claim === 'iat' || claim === 'exp' ? typeof value !== 'number' || !Number.isFinite(value) : typeof value !== 'string') {
        throw new ActorContextError(`actor context ${claim} claim is missing or not valid`);
      }
    }
    const { jti, iat, exp, bdy, rla } = payload as { jti: string; iat: number; exp: number; bdy: string; rla?: unknown };
    if (exp - iat > MAX_LIFETIME_SECONDS) throw new ActorContextError('actor context lives too long');
    // With exp bounded by iat, this bounds how long the replay cache must remember the jti.
    if (iat > Date.now() / 1000 + CLOCK_TOLERANCE_SECONDS) throw new ActorContextError('actor context iat claim is missing or not valid');
    // The gateway sends POST; with GET a query would come from the URL, which the digest does not cover.
    if (request.method !== 'POST' || bdy !== requestBodyDigest(request.body)) {
      throw new ActorContextError('actor context was signed for another request');
    }
    const parsed = actorSchema.safeParse(payload['act']);
    if (!parsed.success) throw new ActorContextError('actor context has an invalid shape');
    if (!(await this.replay.firstUse(jti, (exp + CLOCK_TOLERANCE_SECONDS) * 1000))) {
      throw new ReplayedActorContextError(parsed.data, rla === true, jti);
    }
    return { actor: parsed.data, returnAudit: rla === true, jti };
  }

  close(): Promise<void> {
    return this.replay.close();
  }
}

/** Why fast-jwt refused a context, in words safe to show (never the token or its claims). */
function refusal(error: unknown): string {
  const code = error instanceof TokenError ? error.code : undefined;
  if (code === TokenError.codes.expired) return 'actor context has expired';
  if (code === TokenError.codes.inactive) return 'actor context is not valid yet';
  if (code === TokenError.codes.invalidClaimValue || code === TokenError.codes.invalidClaimType || code === TokenError.codes.missingRequiredClaim) {
    const claim = /\bThe (iss|aud|jti|iat|exp|nbf|bdy) claim\b/.exec(error instanceof Error ? error.message : '')?.[1];
    return claim ? `actor context ${claim} claim is missing or not valid` : 'actor context claims are not valid';
  }
  return 'actor context signature is not valid';
}
