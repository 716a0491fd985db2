/**
 * Issue 14 item 5: the browser and replicas behind a proxy. CORS from an allowlist of exact origins
 * (preflight 204 with methods and headers for an allowed origin, no CORS header for another, never
 * `*`); the caller's address taken from X-Forwarded-For only when the direct peer is a trusted proxy
 * (the right-most untrusted address), as the access log records it.
 */
import { readFileSync } from 'node:fs';
import { entries } from '@vartija/db';
import { DEFAULT_SUPERGRAPH_PATH, readGatewayConfig } from '@vartija/gateway';
import { startGateway } from '@vartija/tools';
import { eq } from 'drizzle-orm';
import { type ObservedStack, startObservedStack } from './operations/observed-stack';

const APP = 'https://app.example.fi';
const LIST = 'query ClientList { clients(first: 1) { nodes { id displayName } } }';

let t: ObservedStack;
beforeAll(async () => {
  t = await startObservedStack({ corsOrigins: [APP, 'http://localhost:5173'] });
});
afterAll(() => t?.close());

const preflight = (origin: string) =>
  fetch(t.stack.gatewayUrl + '/graphql', {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, x-purpose-of-use' },
  });

describe('CORS allowlist', () => {
  it('answers a preflight from an allowed origin 204 with the allowed methods and headers', async () => {
    const response = await preflight(APP);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(APP);
    expect(response.headers.get('access-control-allow-methods')).toBe('GET, POST, OPTIONS');
    expect(response.headers.get('access-control-allow-headers')?.split(', ')).toEqual(expect.arrayContaining(['authorization', 'content-type', 'x-purpose-of-use', 'x-access-intent']));
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    expect(response.headers.get('vary')).toMatch(/Origin/);
  });

  it('gives another origin no CORS header at all (preflight 403 with the reason; the request itself unmarked)', async () => {
    for (const origin of ['https://evil.example', 'https://app.example.fi.evil.example', 'http://app.example.fi', 'null']) {
      const response = await preflight(origin);
      expect([origin, response.status]).toEqual([origin, 403]);
      expect([...response.headers.keys()].filter((h) => h.startsWith('access-control-'))).toEqual([]);
    }
    const actual = await t.post({ query: LIST }, { as: 'sw-child', headers: { origin: 'https://evil.example' } });
    expect([...actual.headers.keys()].filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });

  it('marks the answer to an allowed origin with that origin (never *) and exposes the request id', async () => {
    const response = await t.post({ query: LIST }, { as: 'sw-child', headers: { origin: APP } });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(APP);
    expect(response.headers.get('access-control-expose-headers')).toContain('x-request-id');
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('reads CORS_ORIGINS as exact origins and refuses * and origins with a path', () => {
    expect(readGatewayConfig({ CORS_ORIGINS: `${APP}, http://localhost:5173` }).CORS_ORIGINS).toEqual([APP, 'http://localhost:5173']);
    expect(readGatewayConfig({}).CORS_ORIGINS).toEqual([]);
    expect(() => readGatewayConfig({ CORS_ORIGINS: '*' })).toThrow(/CORS_ORIGINS: \* is not allowed/);
    expect(() => readGatewayConfig({ CORS_ORIGINS: `${APP}/` })).toThrow(/CORS_ORIGINS: .*not an exact origin/);
    expect(() => readGatewayConfig({ CORS_ORIGINS: 'app.example.fi' })).toThrow(/CORS_ORIGINS/);
  });
});

describe('trusted proxies: the caller address in the access log', () => {
  const callerOf = async (gatewayUrl: string, forwardedFor?: string) => {
    const token = await t.tokenFor('sw-child');
    const response = await fetch(`${gatewayUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}) },
      body: JSON.stringify({ query: LIST }),
    });
    expect(response.status).toBe(200);
    const requestId = response.headers.get('x-request-id')!;
    const logged = await t.database.db.select({ callerAddress: entries.callerAddress }).from(entries).where(eq(entries.requestId, requestId));
    expect(logged.length).toBeGreaterThan(0);
    return [...new Set(logged.map((e) => e.callerAddress))];
  };

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    expect(await callerOf(t.stack.gatewayUrl, '203.0.113.7')).toEqual(['127.0.0.1']);
  });

  it('behind a trusted proxy: the right-most address that is not a trusted proxy', async () => {
    const replica = await startGateway(
      { database: t.database, keys: t.keys, supergraphSdl: readFileSync(DEFAULT_SUPERGRAPH_PATH, 'utf8'), trustedProxies: ['loopback', '10.0.0.0/8'] },
      t.stack.subgraphUrls,
    );
    try {
      expect(await callerOf(replica.gatewayUrl, '203.0.113.7')).toEqual(['203.0.113.7']);
      // A client's own X-Forwarded-For at the left cannot pass for its address; inner proxies are skipped.
      expect(await callerOf(replica.gatewayUrl, '198.51.100.1, 203.0.113.7, 10.1.2.3')).toEqual(['203.0.113.7']);
      expect(await callerOf(replica.gatewayUrl)).toEqual(['127.0.0.1']);
    } finally {
      await replica.stop();
    }
  });

  it('reads TRUSTED_PROXIES as addresses and CIDRs and refuses anything else', () => {
    expect(readGatewayConfig({ TRUSTED_PROXIES: '10.0.0.0/8, 192.168.1.5, ::1, loopback' }).TRUSTED_PROXIES).toEqual(['10.0.0.0/8', '192.168.1.5', '::1', 'loopback']);
    expect(() => readGatewayConfig({ TRUSTED_PROXIES: 'proxy.internal' })).toThrow(/TRUSTED_PROXIES: proxy.internal is not an IP address/);
    expect(() => readGatewayConfig({ TRUSTED_PROXIES: '10.0.0.0/33' })).toThrow(/TRUSTED_PROXIES/);
  });
});
