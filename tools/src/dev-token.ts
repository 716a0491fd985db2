import { importJWK, type JWK, SignJWT } from 'jose';
import { DEV_TOKEN_AUDIENCE, DEV_TOKEN_ISSUER } from '@vartija/gateway/src/authenticate';

/** A staff token signed with the local development key; the gateway accepts it only outside production. */
export async function signDevToken(privateJwk: JWK, login: string, ttlSeconds = 3600): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'EdDSA', kid: privateJwk.kid })
    .setIssuer(DEV_TOKEN_ISSUER)
    .setAudience(DEV_TOKEN_AUDIENCE)
    .setSubject(login)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(await importJWK(privateJwk, 'EdDSA'));
}
