import type http from 'node:http';

/** What a browser page may send to the gateway: GraphQL over GET and POST, and the printable documents. */
const ALLOWED_METHODS = 'GET, POST, OPTIONS';
const ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'x-purpose-of-use',
  'x-access-intent',
  'x-emergency-access',
  'apollo-require-preflight',
  'x-apollo-operation-name',
].join(', ');
/** Headers a page may read from an answer. */
const EXPOSED_HEADERS = 'x-request-id, retry-after';
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/**
 * Parses CORS_ORIGINS: comma-separated exact origins (`https://app.example.fi`, scheme, host and port
 * only). `*`, anywhere, is refused: an allowlist names each origin, and credentials are never combined with `*`.
 * Throws with a message naming the value.
 */
export function parseCorsOrigins(value: string | undefined): string[] {
  if (!value || value.trim() === '') return [];
  return value.split(',').map((raw) => {
    const origin = raw.trim();
    // A wildcard host (https://*.example.fi) would be taken as a literal host name, matching no browser's origin.
    if (origin.includes('*')) throw new Error(`${origin === '*' ? '*' : origin} is not allowed: wildcards are not supported, list each origin exactly (e.g. https://app.example.fi)`);
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      throw new Error(`${origin} is not an origin (scheme://host[:port])`);
    }
    if ((parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || parsed.origin !== origin) {
      throw new Error(`${origin} is not an exact origin: write it as ${parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.origin : 'https://host[:port]'} (no path, no trailing slash)`);
    }
    return origin;
  });
}

export interface CorsPolicy {
  origins: ReadonlySet<string>;
}

export const corsPolicy = (origins: readonly string[]): CorsPolicy => ({ origins: new Set(origins) });

/**
 * Applies the allowlist: a preflight (OPTIONS with Access-Control-Request-Method) is answered here,
 * 204 with the allowed methods and headers for an allowed origin, 403 without any CORS header for
 * another. An ordinary request from an allowed origin gets Access-Control-Allow-Origin naming it
 * (never `*`, no credentials: the API takes a bearer token, not cookies). Returns true when answered.
 */
export function handleCors(policy: CorsPolicy, req: http.IncomingMessage, res: http.ServerResponse): boolean {
  const origin = req.headers.origin;
  const preflight = (req.method ?? '').toUpperCase() === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
  if (!origin) return false;
  res.setHeader('vary', 'Origin');
  const allowed = policy.origins.has(origin);
  if (preflight) {
    if (!allowed) {
      res.writeHead(403, { 'content-type': 'application/json; charset=utf-8', vary: 'Origin' });
      res.end(
        JSON.stringify({
          errors: [{ message: 'This origin may not call the API from a browser (it is not in CORS_ORIGINS).', extensions: { code: 'FORBIDDEN', reason: 'origin not allowed' } }],
        }),
      );
      return true;
    }
    req.resume();
    res.writeHead(204, {
      'access-control-allow-origin': origin,
      'access-control-allow-methods': ALLOWED_METHODS,
      'access-control-allow-headers': ALLOWED_HEADERS,
      'access-control-max-age': String(PREFLIGHT_MAX_AGE_SECONDS),
      vary: 'Origin',
    });
    res.end();
    return true;
  }
  if (allowed) {
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('access-control-expose-headers', EXPOSED_HEADERS);
  }
  return false;
}
