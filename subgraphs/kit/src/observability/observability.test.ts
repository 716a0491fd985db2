import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { GraphQLError } from 'graphql';
import { closeServer, listen } from '../http';
import { safeError } from '../subgraph-server';
import { parseCorsOrigins } from './cors';
import { MAX_OPERATION_LABELS, outcomeLabel, ServiceMetrics } from './metrics';
import { runObserved } from './observation';
import { KnownOperationNames, parseOperationNames, shippedOperationNames, UNLISTED_OPERATION } from './operation-names';
import { checkReadiness } from './readiness';
import { actorPseudonym, configureLogging, createLogger, defaultLogLevel } from './request-log';
import { createServiceServer, metricsEndpointOf } from './service-server';

describe('metric labels', () => {
  it('keep operation names bounded: anonymous, none, invalid, and (other) past the cap', () => {
    const metrics = new ServiceMetrics('test');
    expect(metrics.operationLabel('ClientList')).toBe('ClientList');
    expect(metrics.operationLabel(null)).toBe('(anonymous)');
    expect(metrics.operationLabel(undefined)).toBe('(none)');
    expect(metrics.operationLabel('not a name')).toBe('(invalid)');
    for (let i = 0; i < MAX_OPERATION_LABELS; i++) metrics.operationLabel(`Op${i}`);
    expect(metrics.operationLabel('OneTooMany')).toBe('(other)');
    expect(metrics.operationLabel('ClientList')).toBe('ClientList');
  });

  it('pass (unlisted) as it is', () => {
    expect(new ServiceMetrics('test').operationLabel(UNLISTED_OPERATION)).toBe('(unlisted)');
  });

  it('keep outcomes to ok and error codes', () => {
    expect(outcomeLabel('ok')).toBe('ok');
    expect(outcomeLabel('FORBIDDEN')).toBe('FORBIDDEN');
    expect(outcomeLabel('Virtanen')).toBe('ERROR');
  });

  it('live in a registry per service', async () => {
    const a = new ServiceMetrics('clients');
    const b = new ServiceMetrics('audit');
    a.observeRequest('graphql', 'X', 'ok', 0.01);
    expect(await a.registry.metrics()).toMatch(/vartija_http_requests_total\{route="graphql",operation="X",outcome="ok",service="clients"\} 1/);
    expect(await b.registry.metrics()).not.toMatch(/operation="X"/);
  });
});

describe('known operation names', () => {
  it('keeps the configured and persisted names, anything else is (unlisted), anonymous stays anonymous', async () => {
    const names = new KnownOperationNames({ names: ['ClientPage'], persisted: async () => ['PartnerList', 'not a name'] });
    expect(await names.label('ClientPage')).toBe('ClientPage');
    expect(await names.label('PartnerList')).toBe('PartnerList');
    expect(await names.label('Matti_Virtanen')).toBe(UNLISTED_OPERATION);
    expect(await names.label('not a name')).toBe(UNLISTED_OPERATION);
    expect(await names.label(null)).toBeNull();
    expect(await names.label('')).toBeNull();
  });

  it("in a subgraph applies the rule to the client operation's part of the gateway's fetch name", async () => {
    const names = new KnownOperationNames({ names: ['ClientPage'] });
    expect(await names.label('ClientPage__clients__0', 'clients')).toBe('ClientPage__clients__0');
    expect(await names.label('Matti_Virtanen__clients__12', 'clients')).toBe(UNLISTED_OPERATION);
    // A fetch name of another subgraph, or a client name dressed as a fetch name, is judged whole.
    expect(await names.label('ClientPage__audit__0', 'clients')).toBe(UNLISTED_OPERATION);
    expect(await names.label('ClientPage__clients__0', undefined)).toBe(UNLISTED_OPERATION);
  });

  it('reads the persisted names once per cache period, and keeps the last ones when the read fails', async () => {
    let reads = 0;
    let current: string[] | Error = ['First'];
    const names = new KnownOperationNames({
      persisted: async () => {
        reads += 1;
        if (current instanceof Error) throw current;
        return current;
      },
      cacheMs: 30,
    });
    expect(await names.label('First')).toBe('First');
    expect(await names.label('Second')).toBe(UNLISTED_OPERATION);
    expect(reads).toBe(1);
    current = ['First', 'Second'];
    await new Promise((r) => setTimeout(r, 40));
    await names.label('Second'); // starts the refresh; this answer may still come from the cache
    await new Promise((r) => setTimeout(r, 5));
    expect(await names.label('Second')).toBe('Second');
    current = new Error('database down');
    await new Promise((r) => setTimeout(r, 40));
    await names.label('First');
    await new Promise((r) => setTimeout(r, 5));
    expect(await names.label('First')).toBe('First');
    expect(await names.label('Third')).toBe(UNLISTED_OPERATION);
  });

  it('reads the operation names of the shipped documents; none when the folder is absent', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vartija-ops-'));
    try {
      mkdirSync(path.join(dir, 'sub'));
      writeFileSync(path.join(dir, 'a.graphql'), 'query ConsoleSession { me { id } }\nfragment F on Me { id }\nmutation MarkReviewed { __typename }');
      writeFileSync(path.join(dir, 'sub', 'b.graphql'), 'query SearchEntries { __typename }\n{ __typename }');
      writeFileSync(path.join(dir, 'broken.graphql'), 'query {');
      writeFileSync(path.join(dir, 'notes.txt'), 'query Hidden { __typename }');
      expect(shippedOperationNames(dir).sort()).toEqual(['ConsoleSession', 'MarkReviewed', 'SearchEntries']);
      expect(shippedOperationNames(path.join(dir, 'missing'))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('KNOWN_OPERATION_NAMES takes GraphQL names only', () => {
    expect(parseOperationNames(' ClientPage, Search ,')).toEqual(['ClientPage', 'Search']);
    expect(parseOperationNames(undefined)).toEqual([]);
    expect(() => parseOperationNames('ClientPage, Matti Virtanen')).toThrow(/"Matti Virtanen" is not a GraphQL operation name/);
  });
});

describe('where /metrics is served', () => {
  it('METRICS_PORT: there only; unset: the main port, except on the public port in production (with a warning)', () => {
    expect(metricsEndpointOf({ NODE_ENV: 'production', METRICS_PORT: 9464 }, true)).toEqual({ endpoint: { port: 9464, host: undefined } });
    expect(metricsEndpointOf({ METRICS_PORT: 9464, METRICS_HOST: '10.1.2.3' }, true)).toEqual({ endpoint: { port: 9464, host: '10.1.2.3' } });
    expect(metricsEndpointOf({ NODE_ENV: 'development' }, true)).toEqual({ endpoint: 'main' });
    expect(metricsEndpointOf({ NODE_ENV: 'production' }, false)).toEqual({ endpoint: 'main' });
    const production = metricsEndpointOf({ NODE_ENV: 'production' }, true);
    expect(production.endpoint).toBe('none');
    expect(production.warning).toMatch(/METRICS_PORT/);
  });

  it.each([
    ['none', 'none' as const, 404, null],
    ['a port of its own', { port: 0 }, 404, 200],
    ['the main port', 'main' as const, 200, null],
  ])('%s', async (_what, endpoint, mainStatus, separateStatus) => {
    const metrics = new ServiceMetrics('test');
    const service = createServiceServer({ service: 'test', handler: (_req, res) => void res.end('x'), readiness: {}, metrics, edge: 'internal', metricsEndpoint: endpoint });
    const main = await listen(service.httpServer, 0);
    try {
      expect((await fetch(`${main}/metrics`)).status).toBe(mainStatus);
      expect(service.metricsServer === null).toBe(separateStatus === null);
      if (service.metricsServer) {
        await listen(service.metricsServer, 0);
        const base = `http://127.0.0.1:${(service.metricsServer.address() as AddressInfo).port}`;
        const response = await fetch(`${base}/metrics`);
        expect(response.status).toBe(separateStatus);
        expect(await response.text()).toContain('vartija_http_requests_total');
        // Only /metrics there: not the API, nor the probes.
        for (const other of ['/graphql', '/ready', '/']) expect((await fetch(`${base}${other}`)).status).toBe(404);
        expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(404);
        await closeServer(service.metricsServer);
      }
    } finally {
      await closeServer(service.httpServer);
    }
  });
});

describe('the request log', () => {
  it('is silent under tests unless LOG_LEVEL says otherwise, info in a process', () => {
    expect(defaultLogLevel({ NODE_ENV: 'test' })).toBe('silent');
    expect(defaultLogLevel({ JEST_WORKER_ID: '1' })).toBe('silent');
    expect(defaultLogLevel({})).toBe('info');
    expect(defaultLogLevel({ JEST_WORKER_ID: '1', LOG_LEVEL: 'debug' })).toBe('debug');
  });

  it('names actors by a keyed hash: stable per key, different across keys and actors', () => {
    const key = Buffer.from('k'.repeat(32));
    const one = actorPseudonym({ kind: 'USER', id: 'a' }, key);
    expect(one).toBe(actorPseudonym({ kind: 'USER', id: 'a' }, key));
    expect(one).not.toBe(actorPseudonym({ kind: 'USER', id: 'b' }, key));
    expect(one).not.toBe(actorPseudonym({ kind: 'PARTNER', id: 'a' }, key));
    expect(one).not.toBe(actorPseudonym({ kind: 'USER', id: 'a' }, Buffer.from('j'.repeat(32))));
  });

  it('keeps the pseudonyms of the process key, and forgets them when the key is set', () => {
    const actor = { kind: 'USER', id: 'a' };
    const silent = createLogger({ level: 'silent' });
    configureLogging({ pseudonymKey: 'k'.repeat(32), logger: silent });
    expect(actorPseudonym(actor)).toBe(actorPseudonym(actor, Buffer.from('k'.repeat(32))));
    expect(actorPseudonym(actor)).toBe(actorPseudonym(actor));
    configureLogging({ pseudonymKey: 'j'.repeat(32), logger: silent });
    expect(actorPseudonym(actor)).toBe(actorPseudonym(actor, Buffer.from('j'.repeat(32))));
    expect(actorPseudonym(actor)).not.toBe(actorPseudonym(actor, Buffer.from('k'.repeat(32))));
  });

  it('logs an unexpected error with the request id, the class and the frames, never its message', () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line)) } }).child({ service: 'clients' });
    const error = new GraphQLError('boom', { originalError: new TypeError('value "Matti Virtanen 010101-123N" is wrong') });
    const formatted = runObserved({ service: 'clients', requestId: '6f1c0f1e-6b1f-4a55-9a77-1d1d2c9b0a11', route: 'graphql', logger }, () =>
      safeError({ message: 'boom', extensions: {} }, error),
    );
    expect(formatted.extensions?.['code']).toBe('INTERNAL_SERVER_ERROR');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'error', service: 'clients', requestId: '6f1c0f1e-6b1f-4a55-9a77-1d1d2c9b0a11', msg: 'unexpected error', err: { name: 'TypeError' } });
    expect(JSON.stringify(lines)).not.toMatch(/Virtanen|010101/);
  });
});

describe('readiness', () => {
  it('is ready only when every check says ok; a check that throws or hangs is not', async () => {
    const report = await checkReadiness(
      { a: async () => true, b: async () => 'not migrated', c: async () => Promise.reject(new Error('x')), d: () => new Promise(() => {}) },
      50,
    );
    expect(report).toEqual({ ready: false, checks: { a: 'ok', b: 'not migrated', c: 'unavailable', d: 'timeout' } });
    expect(await checkReadiness({ a: async () => true })).toEqual({ ready: true, checks: { a: 'ok' } });
  });
});

describe('CORS_ORIGINS', () => {
  it('takes exact origins only', () => {
    expect(parseCorsOrigins('https://a.example.fi, http://localhost:5173')).toEqual(['https://a.example.fi', 'http://localhost:5173']);
    expect(parseCorsOrigins('')).toEqual([]);
    expect(() => parseCorsOrigins('*')).toThrow(/not allowed/);
    expect(() => parseCorsOrigins('https://a.example.fi/app')).toThrow(/write it as https:\/\/a.example.fi/);
    expect(() => parseCorsOrigins('ftp://a.example.fi')).toThrow(/not an exact origin/);
    for (const wildcard of ['https://*.example.fi', 'https://app.example.fi, https://*', 'https://app*.example.fi']) {
      expect(() => parseCorsOrigins(wildcard)).toThrow(/wildcards are not supported/);
    }
  });
});
