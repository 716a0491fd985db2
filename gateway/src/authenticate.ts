import type { apiTokens } from '@vartija/db';
import {
  type Actor,
  defaultPurpose,
  isApiTokenShaped,
  PARTNER_SCOPES,
  parseApiToken,
  rolesOf,
  secretMatches,
  unauthenticated,
} from '@vartija/kit';
import { GraphQLError } from 'graphql';
import { createRemoteJWKSet, decodeJwt, errors as joseErrors, importJWK, type JWK, type JWTPayload, jwtVerify } from 'jose';
import type { AccessStore, UserWithGrants } from './access-store';
import { MemorySessionActivity, type SessionActivity } from './session-activity';

export const DEV_TOKEN_ISSUER = 'vartija-dev';
export const DEV_TOKEN_AUDIENCE = 'vartija';
const PURPOSE_RE = /^[A-Z][A-Z_]{2,49}$/;

export interface AuthOptions {
  store: AccessStore;
  /** Verifies tokens from `npm run token`; set only outside production. */
  devPublicJwk?: JWK;
  oidc?: { issuer: string; audience: string; jwksUrl: string };
  maxTokenAgeSeconds: number;
  /** Automatic sign-out: a session unused this long is refused even if its token is still valid. */
  idleTimeoutSeconds: number;
  /** How far a token's `iat` may lie in the future (the issuer's clock ahead of ours). */
  clockSkewSeconds: number;
  /** Where last use per session is kept: Redis shares it between gateway replicas; in memory by default. */
  sessions?: SessionActivity;
  grantCacheMs: number;
}

export interface PartnerToken {
  id: string;
  /** Persisted operations (ids or sha256 hashes) the token may run; null = any operation. */
  allowedOperations: string[] | null;
  rateLimitPerMinute: number;
}

export interface Authenticated {
  actor: Actor;
  token?: PartnerToken;
}

export interface RequestMeta {
  requestId: string;
  callerAddress: string | null;
  purpose: string | undefined;
  emergency: boolean;
  intent: Actor['intent'];
}

type ApiTokenRow = typeof apiTokens.$inferSelect;

/** The actor of a signed-in user whose token was verified and who holds grants (the purpose code already checked). */
export function userActorOf(user: Pick<UserWithGrants, 'id' | 'login' | 'organisationId' | 'grants'>, meta: RequestMeta): Actor {
  return {
    kind: 'USER',
    id: user.id,
    login: user.login,
    organisationId: user.organisationId,
    grants: user.grants,
    scopes: [],
    purpose: meta.purpose ?? defaultPurpose('USER', rolesOf({ grants: user.grants } as Actor)),
    emergency: meta.emergency,
    intent: meta.intent,
    requestId: meta.requestId,
    operationName: null,
    callerAddress: meta.callerAddress,
  };
}

/** The actor of a partner API token that matched, is not revoked and has not expired: only the scopes a partner may hold. */
export function partnerActorOf(token: Pick<ApiTokenRow, 'id' | 'organisationId' | 'issuerOrganisationId' | 'scopes'>, meta: RequestMeta): Actor {
  return {
    kind: 'PARTNER',
    id: token.id,
    login: null,
    organisationId: token.organisationId,
    issuerOrganisationId: token.issuerOrganisationId,
    grants: [],
    scopes: token.scopes.filter((s): s is Actor['scopes'][number] => (PARTNER_SCOPES as readonly string[]).includes(s)),
    purpose: defaultPurpose('PARTNER', []),
    emergency: false,
    intent: meta.intent,
    requestId: meta.requestId,
    operationName: null,
    callerAddress: meta.callerAddress,
  };
}

type Verify = (token: string) => Promise<{ payload: JWTPayload; via: 'dev' | 'oidc' }>;

/** Verified staff tokens kept at most (oldest dropped first): one per signed-in user is the usual need. */
const VERIFIED_TOKEN_CACHE_SIZE = 10_000;
/** How long a verified token is trusted without checking its signature again (never past its exp). */
const VERIFIED_TOKEN_CACHE_MS = 5 * 60_000;

/** Turns a bearer token into the actor with its current grants, or a 401/403 a person can act on. */
export class Authenticator {
  private readonly cache = new Map<string, { user: UserWithGrants | null; until: number }>();
  /** Verified tokens until their `exp`, at most five minutes (the signature check costs ~0.3 ms per request; bench/). */
  private readonly verified = new Map<string, { result: Awaited<ReturnType<Verify>>; expMs: number }>();
  /** Last use per session (token), for the idle limit. */
  private readonly sessions: SessionActivity;

  private constructor(
    private readonly options: AuthOptions,
    private readonly verify: Verify,
  ) {
    this.sessions = options.sessions ?? new MemorySessionActivity();
  }

  static async create(options: AuthOptions): Promise<Authenticator> {
    const devKey = options.devPublicJwk ? await importJWK(options.devPublicJwk, 'EdDSA') : undefined;
    const jwks = options.oidc ? createRemoteJWKSet(new URL(options.oidc.jwksUrl)) : undefined;
    const verify: Verify = async (token) => {
      // The issuer picks the key: an OIDC token is never checked against the development key or back.
      const issuer = decodeJwt(token).iss;
      if (jwks && options.oidc && issuer === options.oidc.issuer) {
        const { payload } = await jwtVerify(token, jwks, { issuer: options.oidc.issuer, audience: options.oidc.audience });
        return { payload, via: 'oidc' };
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

  async authenticate(authorization: string | undefined, meta: RequestMeta): Promise<Authenticated> {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match) {
      throw unauthenticated('Missing bearer token: send "Authorization: Bearer <token>" (locally: npm run token -- sw-child).');
    }
    if (isApiTokenShaped(match[1]!)) return this.partner(match[1]!, meta);
    return { actor: await this.staff(match[1]!, meta) };
  }

  /** Partner API tokens are read on every request: revocation and expiry act at once. */
  private async partner(value: string, meta: RequestMeta): Promise<Authenticated> {
    const parsed = parseApiToken(value);
    const token = parsed ? await this.options.store.apiToken(parsed.lookup) : null;
    if (!parsed || !token || !secretMatches(parsed.secret, token.secretHash)) {
      throw unauthenticated('API token is malformed, unknown or does not match; ask the registrar for a new one.');
    }
    if (token.revokedAt) throw unauthenticated('API token has been revoked.');
    if (token.expiresAt.getTime() <= Date.now()) throw unauthenticated('API token has expired; ask the registrar to rotate it.');
    this.options.store.touchApiToken(token.id);
    return {
      actor: partnerActorOf(token, meta),
      token: { id: token.id, allowedOperations: token.allowedOperations, rateLimitPerMinute: token.rateLimitPerMinute },
    };
  }

  private async staff(bearer: string, meta: RequestMeta): Promise<Actor> {
    const { payload, via } = await this.verifyToken(bearer);
    if (!payload.sub) throw unauthenticated('Token has no subject (sub).');
    if (payload.iat === undefined || payload.exp === undefined) throw unauthenticated('Token must carry iat and exp.');
    const now = Date.now();
    if (payload.iat * 1000 > now + this.options.clockSkewSeconds * 1000) {
      // Else a token issued ahead of time would be good until its far-off exp (and idle from then).
      throw unauthenticated(
        `Token is issued in the future (iat ${Math.round(payload.iat - now / 1000)} s ahead, more than the allowed clock skew of ${this.options.clockSkewSeconds} s); check the issuer's clock and sign in again.`,
      );
    }
    if (payload.exp - payload.iat > this.options.maxTokenAgeSeconds) {
      throw unauthenticated(`Token lifetime exceeds the allowed ${this.options.maxTokenAgeSeconds} seconds; sign in again.`);
    }
    await this.touch(`${via}:${payload.iss}:${payload.sub}:${payload.jti ?? payload.iat}`, payload.iat, payload.exp, now);
    // Development tokens name the login; OIDC tokens the issuer's subject, mapped in access.users.
    const user = await this.user(via === 'dev' ? 'login' : 'externalSubject', payload.sub);
    if (!user || !user.active) throw unauthenticated('Unknown or deactivated user.');
    if (user.grants.length === 0) {
      throw new GraphQLError('You have no valid role grant right now: it may have ended or been revoked, or your use and confidentiality commitment is not yet recorded.', {
        extensions: { code: 'FORBIDDEN', http: { status: 403 } },
      });
    }
    if (meta.purpose !== undefined && !PURPOSE_RE.test(meta.purpose)) {
      throw new GraphQLError('x-purpose-of-use must be an UPPER_SNAKE_CASE purpose code, e.g. CLIENT_WORK.', {
        extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
      });
    }
    return userActorOf(user, meta);
  }

  private async verifyToken(token: string) {
    // Keyed by the whole token, signature included: only the very token verified before hits.
    const hit = this.verified.get(token);
    if (hit && Date.now() < hit.expMs) return hit.result;
    if (hit) this.verified.delete(token);
    try {
      const result = await this.verify(token);
      if (typeof result.payload.exp === 'number') {
        if (this.verified.size >= VERIFIED_TOKEN_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value!);
        // At most a few minutes: a key the identity provider withdraws stops working soon, not only at exp.
        this.verified.set(token, { result, expMs: Math.min(result.payload.exp * 1000, Date.now() + VERIFIED_TOKEN_CACHE_MS) });
      }
      return result;
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw unauthenticated('Token has expired; sign in again.');
      if (error instanceof joseErrors.JWTClaimValidationFailed) {
        throw unauthenticated(`Token is not for this service (${error.claim} claim rejected).`);
      }
      throw unauthenticated('Token is malformed or its signature cannot be verified.');
    }
  }

  /**
   * Automatic sign-out. Idleness counts from the last use of the session or, for a token never used
   * before, from its issue time (the clock skew allowed on top), so an old unused token is refused too.
   */
  private async touch(session: string, iat: number, exp: number, now: number): Promise<void> {
    let active: boolean;
    try {
      active = await this.sessions.touch(session, {
        nowMs: now,
        issuedAtMs: (iat + this.options.clockSkewSeconds) * 1000,
        idleMs: this.options.idleTimeoutSeconds * 1000,
        keepMs: exp * 1000 - now,
      });
    } catch {
      throw new GraphQLError('The session store (Redis) is unavailable, so sign-in cannot be checked; try again shortly.', {
        extensions: { code: 'SERVICE_UNAVAILABLE', http: { status: 503 } },
      });
    }
    if (!active) {
      throw unauthenticated(`Signed out after ${Math.round(this.options.idleTimeoutSeconds / 60)} minutes without activity; sign in again.`);
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
