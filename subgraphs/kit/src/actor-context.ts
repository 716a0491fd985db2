import { importJWK, type JWK, jwtVerify, SignJWT, errors as joseErrors } from 'jose';
import { type Actor, actorSchema } from './actor';

/** Header that carries the gateway-signed actor context to the subgraphs. */
export const ACTOR_CONTEXT_HEADER = 'x-vartija-actor';
const ISSUER = 'vartija-gateway';
const AUDIENCE = 'vartija-subgraph';
const ALG = 'EdDSA';

type KeyLike = Awaited<ReturnType<typeof importJWK>>;

export class ActorContextSigner {
  private constructor(
    private readonly key: KeyLike,
    private readonly kid: string | undefined,
    private readonly ttlSeconds: number,
  ) {}

  static async fromJwk(privateJwk: JWK, ttlSeconds = 30): Promise<ActorContextSigner> {
    return new ActorContextSigner(await importJWK(privateJwk, ALG), privateJwk.kid, ttlSeconds);
  }

  sign(actor: Actor): Promise<string> {
    return new SignJWT({ act: actor })
      .setProtectedHeader({ alg: ALG, ...(this.kid ? { kid: this.kid } : {}) })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setJti(actor.requestId)
      .setIssuedAt()
      .setExpirationTime(`${this.ttlSeconds}s`)
      .sign(this.key);
  }
}

export class ActorContextError extends Error {}

export class ActorContextVerifier {
  private constructor(private readonly key: KeyLike) {}

  static async fromJwk(publicJwk: JWK): Promise<ActorContextVerifier> {
    return new ActorContextVerifier(await importJWK(publicJwk, ALG));
  }

  /** Throws ActorContextError with a reason safe to show when the context is missing or invalid. */
  async verify(token: string | undefined): Promise<Actor> {
    if (!token) throw new ActorContextError('missing actor context: subgraphs are reached only through the gateway');
    try {
      const { payload } = await jwtVerify(token, this.key, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: [ALG],
        clockTolerance: 2,
      });
      const parsed = actorSchema.safeParse(payload['act']);
      if (!parsed.success) throw new ActorContextError('actor context has an invalid shape');
      return parsed.data;
    } catch (error) {
      if (error instanceof ActorContextError) throw error;
      if (error instanceof joseErrors.JWTExpired) throw new ActorContextError('actor context has expired');
      throw new ActorContextError('actor context signature is not valid');
    }
  }
}
