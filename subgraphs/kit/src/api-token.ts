import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Partner API tokens look like `vrt_pt_<8 hex>_<43 base64url>`: the fixed prefix lets secret
 * scanners find leaked ones; the 8-hex id finds the row; only a hash of the secret is stored.
 */
export const API_TOKEN_PREFIX = 'vrt_pt_';
const TOKEN_RE = /^vrt_pt_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$/;

export interface ParsedApiToken {
  lookup: string;
  secret: string;
}

export function isApiTokenShaped(value: string): boolean {
  return value.startsWith(API_TOKEN_PREFIX);
}

export function parseApiToken(value: string): ParsedApiToken | null {
  const match = TOKEN_RE.exec(value);
  return match ? { lookup: `${API_TOKEN_PREFIX}${match[1]}`, secret: match[2]! } : null;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const given = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}

/** A new token: the full value is shown once; the row keeps `lookup` and `secretHash`. */
export function generateApiToken(random: (n: number) => Buffer = randomBytes): { token: string; lookup: string; secretHash: string } {
  const id = random(4).toString('hex');
  const secret = random(32).toString('base64url');
  return { token: `${API_TOKEN_PREFIX}${id}_${secret}`, lookup: `${API_TOKEN_PREFIX}${id}`, secretHash: hashSecret(secret) };
}
