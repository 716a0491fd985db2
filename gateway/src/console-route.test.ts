import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { importJWK, jwtVerify } from 'jose';
import request from 'supertest';
import { DEV_TOKEN_AUDIENCE, DEV_TOKEN_ISSUER } from './authenticate';
import { type ConsoleSettings, consoleHandler, consoleSettingsOf, DEV_TOKEN_TTL_SECONDS } from './console-route';
import { generateEd25519, type KeyPair } from './dev-keys';

const INDEX = '<!doctype html><html><head><script type="module" src="/console/assets/app-1.js"></script></head><body><div id="root"></div></body></html>';

let root: string;
let dist: string;
let keys: KeyPair;
const originalEnv = process.env['NODE_ENV'];

const serve = (settings: ConsoleSettings) => http.createServer((req, res) => void consoleHandler(settings)(req, res));

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'console-route-'));
  dist = path.join(root, 'dist');
  mkdirSync(path.join(dist, 'assets'), { recursive: true });
  // Next to dist/: must never be served.
  writeFileSync(path.join(root, 'secret.txt'), 'secret');
  writeFileSync(path.join(dist, 'index.html'), INDEX);
  writeFileSync(path.join(dist, 'assets', 'app-1.js'), 'console.log(1)');
  keys = await generateEd25519('dev-token');
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

afterEach(() => {
  process.env['NODE_ENV'] = originalEnv;
});

describe('GET /console', () => {
  it('serves index.html for the console and its views, hashed assets cached for good, a strict CSP', async () => {
    const app = serve({ distDir: dist });
    for (const url of ['/console', '/console/', '/console/queues', '/console/entries/abc/12?x=1']) {
      const res = await request(app).get(url);
      expect([url, res.status, res.text]).toEqual([url, 200, INDEX]);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['content-security-policy']).toMatch(/default-src 'none'; script-src 'self';/);
      expect(res.headers['x-frame-options']).toBe('DENY');
    }
    const asset = await request(app).get('/console/assets/app-1.js');
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await request(app).head('/console/assets/app-1.js')).status).toBe(200);
  });

  it('answers 404 for a missing file and never serves anything outside dist', async () => {
    const app = serve({ distDir: dist });
    for (const url of ['/console/assets/nope.js', '/console/favicon.ico', '/console/..%2fsecret.txt', '/console/assets/..%2f..%2fsecret.txt', '/console/%00']) {
      const res = await request(app).get(url);
      expect([url, res.status]).toEqual([url, 404]);
      expect(res.text).not.toContain('secret');
    }
    expect((await request(app).post('/console/').send('x')).status).toBe(405);
  });

  it('says how to build the console when console/dist is missing (503)', async () => {
    const res = await request(serve({ distDir: path.join(dist, 'nope') })).get('/console/').set('accept', 'text/html');
    expect(res.status).toBe(503);
    expect(res.text).toContain('npm run build -w console');
  });

  it('lets the OIDC provider be reached from the page (connect-src) and tells the sign-in page about it', async () => {
    const oidc = { authority: 'https://login.example.fi/realms/region', clientId: 'vartija-console', scope: 'openid profile' };
    const app = serve({ distDir: dist, oidc });
    const res = await request(app).get('/console/config.json');
    expect(res.body).toEqual({ oidc, devSignIn: null });
    expect(res.headers['content-security-policy']).toContain("connect-src 'self' https://login.example.fi;");
  });
});

describe('POST /console/dev-token (development sign-in)', () => {
  const post = (app: http.Server, body: unknown, type = 'application/json') =>
    request(app).post('/console/dev-token').set('content-type', type).send(typeof body === 'string' ? body : JSON.stringify(body));

  it('signs a short-lived development token for a demo persona', async () => {
    process.env['NODE_ENV'] = 'development';
    const app = serve({ distDir: dist, devTokenKey: keys.privateJwk });
    const res = await post(app, { login: 'dpo' });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const { payload } = await jwtVerify(res.body.token, await importJWK(keys.publicJwk, 'EdDSA'), { issuer: DEV_TOKEN_ISSUER, audience: DEV_TOKEN_AUDIENCE });
    expect(payload.sub).toBe('dpo');
    expect(payload.exp! - payload.iat!).toBe(DEV_TOKEN_TTL_SECONDS);
    const config = await request(app).get('/console/config.json');
    expect(config.body.devSignIn.personas).toEqual(expect.arrayContaining([expect.objectContaining({ login: 'dpo' }), expect.objectContaining({ login: 'sw-child' })]));
  });

  it('refuses what is not a persona login, not JSON, or not a POST', async () => {
    process.env['NODE_ENV'] = 'development';
    const app = serve({ distDir: dist, devTokenKey: keys.privateJwk });
    expect((await post(app, { login: 'root' })).status).toBe(400);
    expect((await post(app, '{not json')).status).toBe(400);
    expect((await post(app, { login: 'x'.repeat(2000) })).status).toBe(400);
    expect((await post(app, 'login=dpo', 'application/x-www-form-urlencoded')).status).toBe(415);
    expect((await request(app).get('/console/dev-token')).status).toBe(405);
  });

  it('is off in production even when a key is given, and off without development keys', async () => {
    process.env['NODE_ENV'] = 'production';
    const production = serve({ distDir: dist, devTokenKey: keys.privateJwk });
    const refused = await post(production, { login: 'dpo' });
    expect(refused.status).toBe(404);
    expect(refused.body.token).toBeUndefined();
    expect((await request(production).get('/console/config.json')).body.devSignIn).toBeNull();
    // The configuration never hands the key over in production either.
    const devKeys = { tokenSigning: keys };
    expect(consoleSettingsOf({ CONSOLE_OIDC_SCOPE: 'openid' }, devKeys).devTokenKey).toBeUndefined();
    process.env['NODE_ENV'] = 'development';
    expect(consoleSettingsOf({ CONSOLE_OIDC_SCOPE: 'openid' }, devKeys).devTokenKey).toEqual(keys.privateJwk);
    expect((await post(serve({ distDir: dist }), { login: 'dpo' })).status).toBe(404);
  });
});
