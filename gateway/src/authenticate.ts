import { type Actor, defaultPurpose, rolesOf, unauthenticated } from '@vartija/kit';
import { GraphQLError } from 'graphql';
import { createRemoteJWKSet, errors as joseErrors, importJWK, type JWK, type JWTPayload, jwtVerify } from 'jose';
import type { AccessStore, UserWithGrants } from './access-store';

export const DEV_TOKEN_ISSUER = 'vartija-dev';
export const DEV_TOKEN_AUDIENCE = 'vartija';
const PURPOSE_RE = /^[A-Z][A-Z_]{2,49}$/;

export interface AuthOptions {
  store: AccessStore;
  /** Verifies tokens from `npm run token`; set only outside production. */
  devPublicJwk?: JWK;
  oidc?: { issuer: string; audience: string; jwksUrl: string };
  maxTokenAgeSeconds: number;
  grantCacheMs: number;
}

export interface RequestMeta {
  requestId: string;
  callerAddress: string | null;
  purpose: string | undefined;
  emergency: boolean;
}

type Verify = (token: string) => Promise<{ payload: JWTPayload; via: 'dev' | 'oidc' }>;

/** Turns a bearer token into the actor with its current grants, or a 401/403 a person can act on. */
export class Authenticator {
  private readonly cache = new Map<string, { user: UserWithGrants | null; until: number }>();

  private constructor(
    private readonly options: AuthOptions,
    private readonly verify: Verify,
  ) {}

  static async create(options: AuthOptions): Promise<Authenticator> {
    const devKey = options.devPublicJwk ? await importJWK(options.devPublicJwk, 'EdDSA') : undefined;
    const jwks = options.oidc ? createRemoteJWKSet(new URL(options.oidc.jwksUrl)) : undefined;
    const verify: Verify = async (token) => {
      if (jwks && options.oidc) {
        try {
          const { payload } = await jwtVerify(token, jwks, {
            issuer: options.oidc.issuer,
            audience: options.oidc.audience,
          });
          return { payload, via: 'oidc' };
        } catch (error) {
          if (!devKey || !(error instanceof joseErrors.JWTClaimValidationFailed)) throw error;
        }
      }
      if (!devKey) throw new joseErrors.JWSSignatureVerificationFailed();
      const { payload } = await jwtVerify(token, devKey, {
        issuer: DEV_TOKEN_ISSUER,
        audience: DEV_TOKEN_AUDIENCE,
        algorithms: ['EdDSA'],
      });
      return { payload, via: 'dev' };
    };
    return new Authenticator(options, verify);
  }

  async authenticate(authorization: string | undefined, meta: RequestMeta): Promise<Actor> {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match) {
      throw unauthenticated('Missing bearer token: send "Authorization: Bearer <token>" (locally: npm run token -- sw-child).');
    }
    const { payload, via } = await this.verifyToken(match[1]!);
    if (!payload.sub) throw unauthenticated('Token has no subject (sub).');
    if (payload.iat === undefined || payload.exp === undefined) throw unauthenticated('Token must carry iat and exp.');
    if (payload.exp - payload.iat > this.options.maxTokenAgeSeconds) {
      throw unauthenticated(`Token lifetime exceeds the allowed ${this.options.maxTokenAgeSeconds} seconds; sign in again.`);
    }
    // Development tokens name the login; OIDC tokens the issuer's subject, mapped in access.users.
    const user = await this.user(via === 'dev' ? 'login' : 'externalSubject', payload.sub);
    if (!user || !user.active) throw unauthenticated('Unknown or deactivated user.');
    if (user.grants.length === 0) {
      throw new GraphQLError('You have no valid role grant right now (it may have ended or been revoked).', {
        extensions: { code: 'FORBIDDEN', http: { status: 403 } },
      });
    }
    const roles = rolesOf({ grants: user.grants } as Actor);
    if (meta.purpose !== undefined && !PURPOSE_RE.test(meta.purpose)) {
      throw new GraphQLError('x-purpose-of-use must be an UPPER_SNAKE_CASE purpose code, e.g. CLIENT_WORK.', {
        extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
      });
    }
    return {
      kind: 'USER',
      id: user.id,
      login: user.login,
      organisationId: user.organisationId,
      grants: user.grants,
      scopes: [],
      purpose: meta.purpose ?? defaultPurpose('USER', roles),
      emergency: meta.emergency,
      requestId: meta.requestId,
      operationName: null,
      callerAddress: meta.callerAddress,
    };
  }

  private async verifyToken(token: string) {
    try {
      return await this.verify(token);
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw unauthenticated('Token has expired; sign in again.');
      if (error instanceof joseErrors.JWTClaimValidationFailed) {
        throw unauthenticated(`Token is not for this service (${error.claim} claim rejected).`);
      }
      throw unauthenticated('Token is malformed or its signature cannot be verified.');
    }
  }

  /** Grants are cached briefly per user: a revocation takes effect within the cache time. */
  private async user(field: 'login' | 'externalSubject', value: string): Promise<UserWithGrants | null> {
    const key = `${field}:${value}`;
    const now = Date.now();
    const hit = this.cache.get(key);
    if (hit && hit.until > now) return hit.user;
    const user = await this.options.store.userBy(field, value);
    if (this.options.grantCacheMs > 0) this.cache.set(key, { user, until: now + this.options.grantCacheMs });
    return user;
  }
}
