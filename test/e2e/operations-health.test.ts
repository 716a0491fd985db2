/**
 * Issue 14 item 4: `/live` (the process answers) and `/ready` (its dependencies answer) on every
 * service. `/ready` is 503 while a subgraph (for the gateway), the database, or Redis is down, and on a
 * database without the newest migration; 200 again once it is back. `/health` stays as `/ready`.
 */
import { readFileSync } from 'node:fs';
import { type Database, openDatabase } from '@vartija/db';
import { DEFAULT_SUPERGRAPH_PATH } from '@vartija/gateway';
import { ActorContextVerifier, closeServer, listen } from '@vartija/kit';
import { startGateway, SUBGRAPH_FACTORIES } from '@vartija/tools';
import { createTestDatabase } from '../testkit/database';
import { baseOf, eventually, type ObservedStack, startObservedStack } from './operations/observed-stack';
import { TcpProxy } from './operations/tcp-proxy';

let t: ObservedStack;
beforeAll(async () => {
  t = await startObservedStack();
});
afterAll(() => t?.close());

const probe = async (base: string, path: string) => {
  const response = await fetch(`${base}${path}`);
  return { status: response.status, body: (await response.json()) as { status: string; checks?: Record<string, string> } };
};
const services = () => ({ gateway: baseOf(t.stack.gatewayUrl), ...Object.fromEntries(Object.entries(t.stack.subgraphUrls).map(([name, url]) => [name, baseOf(url)])) });

/** A clients subgraph of its own on `database`, as `npm run start -w @vartija/clients` runs it. */
async function standaloneSubgraph(database: Database) {
  const verifier = ActorContextVerifier.fromGatewaySecret(t.keys.actorContextSecret, 'clients');
  const subgraph = await SUBGRAPH_FACTORIES.clients({ database, verifier });
  const base = baseOf(await subgraph.listen(0));
  return {
    base,
    async stop() {
      await subgraph.stop();
      await verifier.close();
    },
  };
}

describe('probes on every service', () => {
  it('/live answers 200 on the gateway and each subgraph', async () => {
    for (const [name, base] of Object.entries(services())) {
      expect([name, await probe(base, '/live')]).toEqual([name, { status: 200, body: { status: 'live' } }]);
    }
  });

  it('/ready answers 200 with each dependency checked; /health decides the same', async () => {
    const gateway = await probe(services().gateway, '/ready');
    expect(gateway).toEqual({ status: 200, body: { status: 'ready', checks: { database: 'ok', clients: 'ok', services: 'ok', documents: 'ok', audit: 'ok' } } });
    expect(await probe(services().gateway, '/health')).toEqual({ status: 200, body: { status: 'ok' } });
    for (const name of ['clients', 'services', 'documents', 'audit'] as const) {
      expect(await probe(baseOf(t.stack.subgraphUrls[name]), '/ready')).toEqual({ status: 200, body: { status: 'ready', checks: { database: 'ok' } } });
    }
  });
});

describe('/ready follows the dependencies', () => {
  it("the gateway's: 503 naming a subgraph that stopped, 200 once it is back", async () => {
    const documents = t.stack.subgraphs.find((s) => s.name === 'documents')!;
    const port = Number(new URL(t.stack.subgraphUrls.documents).port);
    await closeServer(documents.httpServer);
    try {
      const down = await probe(services().gateway, '/ready');
      expect(down.status).toBe(503);
      expect(down.body).toMatchObject({ status: 'unavailable', checks: { documents: 'unavailable', clients: 'ok', database: 'ok' } });
      expect(await probe(services().gateway, '/health')).toEqual({ status: 503, body: { status: 'unavailable' } });
      // Still alive: a restart would not help.
      expect((await probe(services().gateway, '/live')).status).toBe(200);
    } finally {
      await listen(documents.httpServer, port);
    }
    await eventually(async () => (await probe(services().gateway, '/ready')).status === 200, 'the gateway ready again');
  });

  it("a subgraph's: 503 while its database cannot be reached, 200 once it is back", async () => {
    // PostgreSQL: the real connection is cut behind a relay. PGlite has no connection: its answer is switched off.
    const test = await createTestDatabase();
    const proxy = test.url ? new TcpProxy({ host: new URL(test.url).hostname, port: Number(new URL(test.url).port || 5432) }) : null;
    let database: Database;
    let cut: () => Promise<void>;
    let restore: () => Promise<unknown>;
    if (proxy) {
      const url = new URL(test.url!);
      url.port = String(await proxy.start());
      database = await openDatabase({ url: url.toString(), poolSize: 2 });
      cut = () => proxy.stop();
      restore = () => proxy.start();
    } else {
      let down = false;
      database = { ...test.database, ping: async () => !down && test.database.ping(), migrated: async () => (down ? Promise.reject(new Error('down')) : test.database.migrated()) };
      cut = async () => void (down = true);
      restore = async () => (down = false);
    }
    const subgraph = await standaloneSubgraph(database);
    try {
      expect(await probe(subgraph.base, '/ready')).toEqual({ status: 200, body: { status: 'ready', checks: { database: 'ok' } } });
      await cut();
      expect(await probe(subgraph.base, '/ready')).toEqual({ status: 503, body: { status: 'unavailable', checks: { database: 'unavailable' } } });
      await restore();
      await eventually(async () => (await probe(subgraph.base, '/ready')).status === 200, 'the subgraph ready again');
    } finally {
      await subgraph.stop();
      if (proxy) {
        await database.close();
        await proxy.stop();
      }
      await test.dispose();
    }
  });

  it('503 "not migrated" on a database without the newest migration, 200 once migrated', async () => {
    const database = await openDatabase({ dataDir: 'memory://' });
    const subgraph = await standaloneSubgraph(database);
    try {
      expect(await probe(subgraph.base, '/ready')).toEqual({ status: 503, body: { status: 'unavailable', checks: { database: 'not migrated' } } });
      await database.migrate();
      expect(await probe(subgraph.base, '/ready')).toEqual({ status: 200, body: { status: 'ready', checks: { database: 'ok' } } });
      // One migration short of the journal's newest: not ready.
      await database.db.execute('DELETE FROM drizzle.__drizzle_migrations WHERE created_at = (SELECT max(created_at) FROM drizzle.__drizzle_migrations)');
      expect((await probe(subgraph.base, '/ready')).body.checks).toEqual({ database: 'not migrated' });
    } finally {
      await subgraph.stop();
      await database.close();
    }
  });

  it("a gateway's with Redis: 503 while Redis is down, 200 once it is back", async () => {
    const proxy = new TcpProxy({ host: '127.0.0.1', port: 6379 });
    const port = await proxy.start();
    const replica = await startGateway(
      { database: t.database, keys: t.keys, supergraphSdl: readFileSync(DEFAULT_SUPERGRAPH_PATH, 'utf8'), redisUrl: `redis://127.0.0.1:${port}` },
      t.stack.subgraphUrls,
    );
    const base = baseOf(replica.gatewayUrl);
    try {
      await eventually(async () => (await probe(base, '/ready')).status === 200, 'ready with Redis');
      expect((await probe(base, '/ready')).body.checks).toMatchObject({ redis: 'ok', database: 'ok' });
      await proxy.stop();
      await eventually(async () => (await probe(base, '/ready')).status === 503, 'not ready without Redis');
      expect((await probe(base, '/ready')).body.checks?.['redis']).toMatch(/^(unavailable|timeout)$/);
      await proxy.start();
      await eventually(async () => (await probe(base, '/ready')).status === 200, 'ready again', 20_000);
    } finally {
      await replica.stop();
      await proxy.stop();
    }
  });
});
