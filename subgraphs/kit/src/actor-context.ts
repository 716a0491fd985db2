import { createHash, hkdfSync, randomBytes, randomUUID } from 'node:crypto';
import { createSigner, createVerifier, TokenError } from 'fast-jwt';
import { GraphQLError } from 'graphql';
import type Redis from 'ioredis';
import { type Actor, actorSchema } from './actor';
import { isUuid } from './ids';

/** Header that carries the gateway-signed actor context to the subgraphs. */
export const ACTOR_CONTEXT_HEADER = 'x-vartija-actor';
const ISSUER = 'vartija-gateway';
/** Each context names the one subgraph it is for; a subgraph accepts only its own name. */
const audienceOf = (subgraph: string) => `vartija-subgraph:${subgraph}`;
const ALG = 'HS256';
const CLOCK_TOLERANCE_SECONDS = 2;
/** Longest context lifetime a subgraph accepts; bounds how long a used `jti` must be remembered. */
const MAX_LIFETIME_SECONDS = 300;
/** How much longer than a context is accepted its `jti` is remembered. */
const REPLAY_MARGIN_MS = 10_000;
/** Separates these keys from every other use of the same secret bytes. */
const KEY_SALT = 'vartija actor context v1';

/** Claims every context must carry, typed below (iss and aud must also have the one expected value). */
const REQUIRED_CLAIMS = ['jti', 'iat', 'exp', 'bdy'] as const;

/**
 * Contexts are HMAC-SHA256 JWS with one key per subgraph (bench/FINDINGS.md, item 20): the gateway holds
 * ACTOR_CONTEXT_SECRET and derives each subgraph's key from it; a subgraph holds only its own key
 * (ACTOR_CONTEXT_KEY), so no subgraph can speak for the gateway to another. Its key gives its holder
 * about what the subgraph's database credentials give, but outlives a changed password: after a
 * compromise the secret is replaced (README, security notes). An EdDSA signature and verification cost
 * ~125 µs per fetch; the HMAC pair ~10.
 */
type Signer = (payload: Record<string, unknown>) => string;
type Verifier = (token: string) => Record<string, unknown>;

/**
 * The bytes of ACTOR_CONTEXT_SECRET or ACTOR_CONTEXT_KEY: at least 32 random bytes as unpadded base64url, the
 * one form the generator writes (so that it and the kit derive alike), and not a fill of a few byte values.
 */
export function parseActorContextSecret(value: string): Buffer {
  const text = value.trim();
  const bytes = Buffer.from(text, 'base64url');
  if (!/^[A-Za-z0-9_-]+$/.test(text) || bytes.length < 32) {
    throw new Error('must be at least 32 random bytes as unpadded base64url (node deploy/generate-secrets.mjs writes them)');
  }
  // 32 random bytes have ~30 distinct values; a repeated character or a short pattern has a handful.
  if (new Set(bytes).size < 16) throw new Error('is not random (too few distinct bytes): use node deploy/generate-secrets.mjs');
  return bytes;
}

/** A new gateway secret (32 random bytes, unpadded base64url): the development default, kept in the dev key file. */
export function generateActorContextSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Why a subgraph's ACTOR_CONTEXT_KEY must not be used (null when it may): it is one of the subgraph's other
 * secrets, or one of them is the gateway's secret it was derived from — a secret every subgraph holds would
 * let each sign for all.
 */
export function reusedActorContextKey(key: string, subgraph: string, others: Record<string, string | undefined>): string | null {
  for (const [name, value] of Object.entries(others)) {
    if (!value) continue;
    if (value.trim() === key.trim()) return `ACTOR_CONTEXT_KEY is the same as ${name}: give each its own random value`;
    let derived: string | null = null;
    try {
      derived = subgraphActorContextKey(value, subgraph);
    } catch {
      // not a valid secret, so not the gateway's
    }
    if (derived === key.trim()) return `${name} is the gateway's ACTOR_CONTEXT_SECRET, which no subgraph may hold: give it its own random value`;
  }
  return null;
}

/**
 * The key of one subgraph (base64url, its ACTOR_CONTEXT_KEY), derived from the gateway's secret with
 * HKDF-SHA256: the gateway needs one secret; each subgraph learns only its own key.
 */
export function subgraphActorContextKey(secret: string, subgraph: string): string {
  if (!/^[a-z][a-z0-9-]*$/.test(subgraph)) throw new Error(`not a subgraph name: ${JSON.stringify(subgraph)}`);
  return Buffer.from(hkdfSync('sha256', parseActorContextSecret(secret), KEY_SALT, `subgraph:${subgraph}`, 32)).toString('base64url');
}

/**
 * SHA-256 (base64url) of the exact body of one subgraph request. Signed as the `bdy` claim, it binds
 * a context to that request: the same context with any other body (another operation, other
 * variables, other `_entities` representations) is refused.
 */
export function requestBodyDigest(body: string): string {
  return createHash('sha256').update(body, 'utf8').digest('base64url');
}

export interface SignOptions {
  /** The subgraph the fetch goes to: the context is signed with its key and names it. */
  subgraph: string;
  /** The subgraph returns its access-log entries to the gateway (ReturnedAudit). */
  returnAudit?: boolean;
  /** The context's id, when the caller must know it (returned entries name it); random otherwise. */
  jti?: string;
}

export class ActorContextSigner {
  /** One fast-jwt signer per subgraph, made on first use. */
  private readonly signers = new Map<string, Signer>();

  private constructor(
    private readonly secret: string,
    private readonly ttlSeconds: number,
  ) {}

  /** From the gateway's ACTOR_CONTEXT_SECRET. */
  static fromSecret(secret: string, ttlSeconds = 30): ActorContextSigner {
    parseActorContextSecret(secret); // refuse a weak secret at start-up, not at the first fetch
    return new ActorContextSigner(secret, ttlSeconds);
  }

  /**
   * A context for one subgraph request: `body` is the exact JSON body that will be sent with it. Each
   * call has its own `jti`, so that a subgraph can refuse a second use. With `returnAudit` the subgraph
   * returns its access-log entries to the gateway, which appends them with its own before it answers;
   * the caller may then choose the `jti`, which the returned entries name (ReturnedAudit).
   */
  async sign(actor: Actor, body: string, options: SignOptions): Promise<string> {
    const iat = Math.floor(Date.now() / 1000);
    return this.signerFor(options.subgraph)({
      act: actor,
      bdy: requestBodyDigest(body),
      ...(options.returnAudit ? { rla: true } : {}),
      iss: ISSUER,
      aud: audienceOf(options.subgraph),
      jti: options.jti ?? randomUUID(),
      iat,
      exp: iat + this.ttlSeconds,
    });
  }

  private signerFor(subgraph: string): Signer {
    let signer = this.signers.get(subgraph);
    if (!signer) {
      const key = parseActorContextSecret(subgraphActorContextKey(this.secret, subgraph));
      signer = createSigner({ key, algorithm: ALG }) as Signer;
      this.signers.set(subgraph, signer);
    }
    return signer;
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
  private readonly prefix: string;

  /** One namespace per subgraph: a context is for one subgraph, and so is the memory of its use. */
  constructor(
    private readonly redis: Redis,
    subgraph: string,
  ) {
    this.prefix = `vartija:actor-jti:${subgraph}:`;
  }

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

  /** From the subgraph's own ACTOR_CONTEXT_KEY (subgraphActorContextKey of the gateway's secret) and its name. */
  static fromKey(key: string, subgraph: string, replay: ActorContextReplayCache = new MemoryReplayCache()): ActorContextVerifier {
    const verifier = createVerifier({
      key: parseActorContextSecret(key),
      algorithms: [ALG],
      allowedIss: ISSUER,
      allowedAud: audienceOf(subgraph),
      // fast-jwt checks a claim only when present.
      requiredClaims: ['iss', 'aud', ...REQUIRED_CLAIMS],
      clockTolerance: CLOCK_TOLERANCE_SECONDS * 1000,
      cache: false, // each context is good once anyway
    });
    return new ActorContextVerifier(verifier as Verifier, replay);
  }

  /**
   * The subgraph's verifier from the gateway's secret, for stacks that run gateway and subgraphs in one
   * process (development, tests): a deployed subgraph gets only its key (`fromKey`).
   */
  static fromGatewaySecret(secret: string, subgraph: string, replay?: ActorContextReplayCache): ActorContextVerifier {
    return ActorContextVerifier.fromKey(subgraphActorContextKey(secret, subgraph), subgraph, replay);
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
      // The signature (HS256 only, this subgraph's key), iss and aud (exactly ours), exp and nbf (with the clock tolerance), crit headers.
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
    // The gateway's ids are UUIDs; nothing else is remembered in the replay cache.
    if (!isUuid(jti)) throw new ActorContextError('actor context jti claim is missing or not valid');
    if (exp - iat > MAX_LIFETIME_SECONDS) throw new ActorContextError('actor context lives too long');
    // With exp bounded by iat, this bounds how long the replay cache must remember the jti.
    if (iat > Date.now() / 1000 + CLOCK_TOLERANCE_SECONDS) throw new ActorContextError('actor context iat claim is missing or not valid');
    // The gateway sends POST; with GET a query would come from the URL, which the digest does not cover.
    if (request.method !== 'POST' || bdy !== requestBodyDigest(request.body)) {
      throw new ActorContextError('actor context was signed for another request');
    }
    const parsed = actorSchema.safeParse(payload['act']);
    if (!parsed.success) throw new ActorContextError('actor context has an invalid shape');
    // Remembered a margin past the last instant the context is accepted: the signature check and the cache read
    // the clock at different moments (and replicas' clocks differ), so a replay at the edge must still be known.
    if (!(await this.replay.firstUse(jti, (exp + CLOCK_TOLERANCE_SECONDS) * 1000 + REPLAY_MARGIN_MS))) {
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
