import { readFile, stat } from 'node:fs/promises';
import type http from 'node:http';
import path from 'node:path';
import { PERSONAS } from '@vartija/db';
import { importJWK, type JWK, SignJWT } from 'jose';
import { DEV_TOKEN_AUDIENCE, DEV_TOKEN_ISSUER } from './authenticate';

/** The auditor's console (console/, a Vite build) at `GET /console`: static files, the SPA's paths answered with index.html. */
export const CONSOLE_PATH = '/console';

/** Where `vite build` (console workspace) writes the console, as seen from this file in the repository. */
export const DEFAULT_CONSOLE_DIST = path.join(__dirname, '..', '..', 'console', 'dist');

/** How long a development sign-in lasts: short, the idle limit and the token age limit still apply. */
export const DEV_TOKEN_TTL_SECONDS = 30 * 60;

export interface ConsoleSettings {
  /** The built console (console/dist); a 503 page that says how to build it when it is missing. */
  distDir?: string;
  /** OIDC sign-in for the console (CONSOLE_OIDC_*): authorization code + PKCE in the browser. */
  oidc?: { authority: string; clientId: string; scope: string };
  /**
   * The development token key: `POST /console/dev-token` signs short-lived tokens for the demo personas.
   * Given only outside production; the route refuses under NODE_ENV=production even if it is given.
   */
  devTokenKey?: JWK;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Scripts only from the console's own files (no inline script, no eval); styles from its files and inline
 * (the printable documents the console opens from a blob inherit this policy and carry their own <style>;
 * React sets style attributes through the DOM); the API on the same origin, the OIDC provider besides.
 */
export function consoleCsp(oidcAuthority?: string): string {
  const connect = ["'self'", ...(oidcAuthority ? [new URL(oidcAuthority).origin] : [])].join(' ');
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src ${connect}`,
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

const commonHeaders = (csp: string): Record<string, string> => ({
  'content-security-policy': csp,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
});

export function isConsolePath(url: string | undefined): boolean {
  const pathname = (url ?? '').split('?')[0]!;
  return pathname === CONSOLE_PATH || pathname.startsWith(`${CONSOLE_PATH}/`);
}

/** True only where a development sign-in may exist at all. */
const production = () => process.env['NODE_ENV'] === 'production';

export function consoleHandler(settings: ConsoleSettings = {}): (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> {
  const distDir = path.resolve(settings.distDir ?? DEFAULT_CONSOLE_DIST);
  const csp = consoleCsp(settings.oidc?.authority);
  const headers = commonHeaders(csp);
  const devKey = !production() && settings.devTokenKey ? importJWK(settings.devTokenKey, 'EdDSA') : null;
  // Keep an unused rejected import from surfacing as an unhandled rejection; the route reports it.
  devKey?.catch(() => undefined);

  const json = (res: http.ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}) => {
    res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...extra });
    res.end(JSON.stringify(body));
  };
  const refusal = (res: http.ServerResponse, status: number, code: string, message: string, extra: Record<string, string> = {}) =>
    json(res, status, { errors: [{ message, extensions: { code } }] }, extra);

  async function devToken(req: http.IncomingMessage, res: http.ServerResponse) {
    if (req.method !== 'POST') return refusal(res, 405, 'METHOD_NOT_ALLOWED', 'Send POST with {"login": "<persona>"}.', { allow: 'POST' });
    if (production() || !devKey) {
      req.resume();
      return refusal(res, 404, 'NOT_FOUND', "The development sign-in is off (production, or no development keys): sign in with your organisation's account.");
    }
    // JSON only: a form post from another site cannot make this request without a CORS preflight.
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
      req.resume();
      return refusal(res, 415, 'BAD_USER_INPUT', 'Send the login as JSON (content-type: application/json).');
    }
    const body = await readSmallBody(req, 1024);
    let login: unknown;
    try {
      login = body === null ? undefined : (JSON.parse(body) as { login?: unknown }).login;
    } catch {
      login = undefined;
    }
    const persona = PERSONAS.find((p) => p.login === login);
    if (!persona) {
      return refusal(res, 400, 'BAD_USER_INPUT', `login: must be one of the demo personas (${PERSONAS.map((p) => p.login).join(', ')})`);
    }
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'EdDSA', kid: settings.devTokenKey!.kid })
      .setIssuer(DEV_TOKEN_ISSUER)
      .setAudience(DEV_TOKEN_AUDIENCE)
      .setSubject(persona.login)
      .setIssuedAt()
      .setExpirationTime(`${DEV_TOKEN_TTL_SECONDS}s`)
      .sign(await devKey);
    json(res, 200, { token, expiresIn: DEV_TOKEN_TTL_SECONDS, login: persona.login });
  }

  /** What the console's sign-in page offers: OIDC when configured, personas only where dev tokens are signed. */
  function config(res: http.ServerResponse) {
    json(res, 200, {
      oidc: settings.oidc ?? null,
      devSignIn: devKey ? { personas: PERSONAS.map((p) => ({ login: p.login, description: p.description })) } : null,
    });
  }

  async function file(req: http.IncomingMessage, res: http.ServerResponse, pathname: string) {
    const index = path.join(distDir, 'index.html');
    if (!(await isFile(index))) {
      res.writeHead(503, { ...headers, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'retry-after': '30' });
      return void res.end(
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Console not built</title></head><body>' +
          '<h1>The console is not built</h1><p>Build it with <code>npm run build -w console</code> (vite build into console/dist); ' +
          '<code>npm start</code> builds it when it is missing.</p></body></html>\n',
      );
    }
    const relative = decodeSafely(pathname.slice(CONSOLE_PATH.length).replace(/^\/+/, ''));
    const target = relative === null ? null : path.resolve(distDir, relative);
    // Never outside dist/ (../, encoded or not).
    const inside = target !== null && (target === distDir || target.startsWith(`${distDir}${path.sep}`));
    if (inside && relative && (await isFile(target))) {
      const hashed = relative.startsWith('assets/');
      return send(req, res, target, hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
    }
    // A missing asset or file (it has an extension) is 404; any other path is one of the console's views.
    if (!inside || relative?.startsWith('assets/') || path.extname(relative ?? '') !== '') {
      res.writeHead(404, { ...headers, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      return void res.end('Not found\n');
    }
    return send(req, res, index, 'no-cache');
  }

  async function send(req: http.IncomingMessage, res: http.ServerResponse, file: string, cacheControl: string) {
    const body = await readFile(file);
    res.writeHead(200, {
      ...headers,
      'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'content-length': String(body.length),
      'cache-control': cacheControl,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  return async (req, res) => {
    // The URL parser resolves dot segments (also encoded ones): what is left must still be the console's.
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (!isConsolePath(pathname)) {
      req.resume();
      res.writeHead(404, { ...headers, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      return void res.end('Not found\n');
    }
    if (pathname === `${CONSOLE_PATH}/dev-token`) return devToken(req, res);
    req.resume();
    const method = (req.method ?? 'GET').toUpperCase();
    if (method !== 'GET' && method !== 'HEAD') return refusal(res, 405, 'METHOD_NOT_ALLOWED', 'The console is fetched with GET.', { allow: 'GET, HEAD' });
    if (pathname === `${CONSOLE_PATH}/config.json`) return config(res);
    return file(req, res, pathname);
  };
}

async function isFile(file: string): Promise<boolean> {
  return stat(file).then(
    (s) => s.isFile(),
    () => false,
  );
}

function decodeSafely(value: string): string | null {
  try {
    const decoded = decodeURIComponent(value);
    return decoded.includes('\0') ? null : decoded;
  } catch {
    return null;
  }
}

/** The body up to `limit` bytes, or null when it is longer. */
function readSmallBody(req: http.IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) over = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The console's settings from the configuration; the dev sign-in only with development keys, never in production. */
export function consoleSettingsOf(
  config: { CONSOLE_OIDC_AUTHORITY?: string | undefined; CONSOLE_OIDC_CLIENT_ID?: string | undefined; CONSOLE_OIDC_SCOPE: string; CONSOLE_DIST_DIR?: string | undefined },
  devKeys: { tokenSigning: { privateJwk: JWK } } | undefined,
): ConsoleSettings {
  return {
    ...(config.CONSOLE_DIST_DIR ? { distDir: config.CONSOLE_DIST_DIR } : {}),
    ...(config.CONSOLE_OIDC_AUTHORITY && config.CONSOLE_OIDC_CLIENT_ID
      ? { oidc: { authority: config.CONSOLE_OIDC_AUTHORITY, clientId: config.CONSOLE_OIDC_CLIENT_ID, scope: config.CONSOLE_OIDC_SCOPE } }
      : {}),
    ...(devKeys && !production() ? { devTokenKey: devKeys.tokenSigning.privateJwk } : {}),
  };
}
