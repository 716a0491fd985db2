import { readFileSync } from 'node:fs';
import { DEMO, DEMO_PARTNER_TOKEN, entries } from '@vartija/db';
import { DEFAULT_MAX_OPERATION_COST, DEFAULT_SUPERGRAPH_PATH } from '@vartija/gateway';
import { type GatewayReplica, startGateway } from '@vartija/tools';
import { count } from 'drizzle-orm';
import Redis from 'ioredis';
import request from 'supertest';
import { CLIENT_LIST, CLIENT_PAGE } from '../../bench/src/scenarios';
import { codesOf, type ExecuteResult, startTestStack, type TestStack } from '../testkit';

type ListPage = { clients: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: unknown[] } };

// Issue 10, item 2: demand control (static cost before planning), limits that see through fragments,
// and a per-user rate limit for staff.

let t: TestStack;
/** Requests that reached any subgraph (none may, for an operation refused at the gateway). */
let subgraphRequests = 0;

beforeAll(async () => {
  t = await startTestStack();
  for (const subgraph of t.stack.subgraphs) subgraph.httpServer.on('request', () => (subgraphRequests += 1));
});
afterAll(async () => {
  await t?.close();
});

const logSize = async () => (await t.database.db.select({ n: count() }).from(entries))[0]!.n;

/** Runs an operation and reports what it cost the back end: subgraph requests and access-log entries. */
async function traced(as: string, query: string, variables: Record<string, unknown> = {}) {
  const before = { subgraph: subgraphRequests, log: await logSize() };
  const result = await t.execute({ as, query, variables });
  return { ...result, subgraphRequests: subgraphRequests - before.subgraph, logEntries: (await logSize()) - before.log };
}

const NESTED = 'clients(first: 100) { totalCount nodes { id displayName personalIdentityCode relationships { unit { name } startedOn } documents { title body } } }';
const TWENTY_ALIASES = `{ ${Array.from({ length: 20 }, (_, i) => `a${i}: ${NESTED}`).join(' ')} }`;
/** 20 × (connection 1 + 100 clients × (1 + 5 relationships × (1 + unit 1) + 20 documents × 1)). */
const TWENTY_ALIASES_COST = 20 * (1 + 100 * (1 + 5 * 2 + 20));

describe('demand control: the static cost of an operation, before any subgraph is called', () => {
  it.each(['sw-child', 'student-child'])(
    'refuses the 20-alias query of the issue as %s with its estimated cost and the budget; no subgraph call, no log entry',
    async (as) => {
      // For the student, personalIdentityCode is a field the gateway would remove (and log as DENIED) were the operation run.
      const result = await traced(as, TWENTY_ALIASES);
      expect(result.status).toBe(400);
      expect(codesOf(result)).toEqual(['COST_ESTIMATED_TOO_EXPENSIVE']);
      expect(result.errors![0]!.extensions).toMatchObject({ estimatedCost: TWENTY_ALIASES_COST, maxCost: DEFAULT_MAX_OPERATION_COST });
      expect(result.errors![0]!.message).toContain(`estimated cost ${TWENTY_ALIASES_COST} exceeds the maximum of ${DEFAULT_MAX_OPERATION_COST}`);
      expect(result.data ?? null).toBeNull();
      expect(result.subgraphRequests).toBe(0);
      expect(result.logEntries).toBe(0);
    },
  );

  it('prices the page size from the variables: the same document passes with a small page and is refused with a large one', async () => {
    const query = `query ($first: Int) { ${Array.from({ length: 3 }, (_, i) => `a${i}: clients(first: $first) { nodes { id relationships { startedOn } documents { title } } }`).join(' ')} }`;
    const small = await traced('sw-child', query, { first: 5 });
    expect(small.errors).toBeUndefined();
    expect(small.subgraphRequests).toBeGreaterThan(0);
    const large = await traced('sw-child', query, { first: 100 });
    expect(codesOf(large)).toEqual(['COST_ESTIMATED_TOO_EXPENSIVE']);
    expect(large.errors![0]!.extensions?.['estimatedCost']).toBe(3 * (1 + 100 * (1 + 5 + 20)));
    expect(large.subgraphRequests).toBe(0);
  });

  it('answers the ordinary client page across three subgraphs', async () => {
    const result = await traced('sw-child', CLIENT_PAGE, { id: DEMO.clients.childWelfareOpen });
    expect(result.errors).toBeUndefined();
    const client = (result.data as { client: { documents: unknown[]; decisions: unknown[] } | null }).client;
    expect(client?.documents.length).toBeGreaterThan(0);
    expect(client?.decisions.length).toBeGreaterThan(0);
    expect(result.logEntries).toBeGreaterThan(0);
  });

  it('pages through every client in pages of 100 and of 50 (the benchmark’s list)', async () => {
    for (const first of [100, 50]) {
      let after: string | null = null;
      let seen = 0;
      for (let page = 0; page < 20; page += 1) {
        const result: ExecuteResult<ListPage> = await t.execute<ListPage>({
          as: 'mgr-child',
          query: CLIENT_LIST,
          variables: { first, after },
        });
        expect(result.errors).toBeUndefined();
        seen += result.data!.clients.nodes.length;
        if (!result.data!.clients.pageInfo.hasNextPage) {
          expect(seen).toBe(result.data!.clients.totalCount);
          break;
        }
        after = result.data!.clients.pageInfo.endCursor;
      }
      expect(seen).toBeGreaterThan(100);
    }
  });

  it('answers the README examples and the partner’s largest page', async () => {
    const readme = await t.execute({
      as: 'sw-child',
      query: '{ clients(first: 20, filter: { lastNamePrefix: "Vir", activeOnly: true }) { totalCount pageInfo { hasNextPage endCursor } nodes { id displayName } } }',
    });
    expect(readme.errors).toBeUndefined();
    const audit = await t.execute({ as: 'dpo', query: '{ clientAccessReport(clientId: "' + DEMO.clients.childWelfareOpen + '") { rows { date organisation { name } unit { name } role categories purpose } } }' });
    expect(audit.errors).toBeUndefined();
    const partner = await t
      .gateway()
      .post('/graphql')
      .set('authorization', `Bearer ${DEMO_PARTNER_TOKEN}`)
      .set('content-type', 'application/json')
      .send({ query: '{ clients(first: 100) { totalCount pageInfo { endCursor } nodes { id displayName guardians { firstName lastName phone } placements { kind providerName startsOn endsOn } documents { type title recordedAt } } } }' });
    expect(partner.status).toBe(200);
    expect(partner.body.errors).toBeUndefined();
    expect(partner.body.data.clients.nodes.length).toBeGreaterThan(0);
  });
});

describe('operation limits see through fragments', () => {
  const client = DEMO.clients.childWelfareOpen;

  it('refuses 25 root fields spread from a named fragment, before any subgraph call', async () => {
    const roots = Array.from({ length: 25 }, (_, i) => `c${i}: client(id: "${client}") { id }`).join(' ');
    const result = await traced('sw-child', `query Spread { ...Roots } fragment Roots on Query { ${roots} }`);
    expect(result.status).toBe(400);
    expect(codesOf(result)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(result.errors![0]!.message).toBe('Operation selects 25 root fields; at most 20 are allowed.');
    expect(result.subgraphRequests).toBe(0);
    expect(result.logEntries).toBe(0);
  });

  it('refuses root fields hidden in nested and inline fragments', async () => {
    const half = (from: number) => Array.from({ length: 11 }, (_, i) => `c${from + i}: client(id: "${client}") { id }`).join(' ');
    const result = await traced('sw-child', `query { ... on Query { ...A } } fragment A on Query { ${half(0)} ...B } fragment B on Query { ... { ${half(11)} } }`);
    expect(codesOf(result)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(result.errors![0]!.message).toBe('Operation selects 22 root fields; at most 20 are allowed.');
  });

  it('counts aliases hidden in a fragment once per spread', async () => {
    const aliases = Array.from({ length: 16 }, (_, i) => `n${i}: displayName`).join(' ');
    const result = await traced(
      'sw-child',
      `query { clients(first: 1) { nodes { ...Names } edges { node { ...Names } } } } fragment Names on Client { ${aliases} }`,
    );
    expect(codesOf(result)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(result.errors![0]!.message).toBe('Operation uses 32 aliases; at most 30 are allowed.');
    expect(result.subgraphRequests).toBe(0);
    // Spread once, the same fragment is within the limit.
    const once = await t.execute({ as: 'sw-child', query: `query { clients(first: 1) { nodes { ...Names } } } fragment Names on Client { ${aliases} }` });
    expect(once.errors).toBeUndefined();
  });
});

describe('a per-user rate limit for staff', () => {
  const LIMIT = 3;
  const ME = '{ me { id } }';
  const send = (url: string, token: string) =>
    request(url).post('/graphql').set('authorization', `Bearer ${token}`).set('content-type', 'application/json').send({ query: ME });
  /** Eight requests at three a minute: however they fall across a minute boundary, one window sees four. */
  const burst = async (url: string, token: string) => {
    const results = [];
    for (let i = 0; i < 8; i += 1) results.push(await send(url, token));
    return results;
  };
  const replicaOptions = (redisUrl?: string) => ({
    database: t.database,
    keys: t.keys,
    supergraphSdl: readFileSync(DEFAULT_SUPERGRAPH_PATH, 'utf8'),
    staffRateLimitPerMinute: LIMIT,
    ...(redisUrl ? { redisUrl } : {}),
  });

  it('answers 429 RATE_LIMITED with Retry-After past the limit, per user (in memory)', async () => {
    const replica: GatewayReplica = await startGateway(replicaOptions(), t.stack.subgraphUrls);
    try {
      const results = await burst(replica.gatewayUrl, await t.tokenFor('sw-child'));
      expect(results[0]!.status).toBe(200);
      const limited = results.filter((r) => r.status === 429);
      expect(limited.length).toBeGreaterThan(0);
      expect(results.every((r) => r.status === 200 || r.status === 429)).toBe(true);
      expect(Number(limited[0]!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(limited[0]!.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect(limited[0]!.body.errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED', limitPerMinute: LIMIT });
      expect(limited[0]!.body.data ?? null).toBeNull();
      // Another user has a limit of their own.
      expect((await send(replica.gatewayUrl, await t.tokenFor('sw-family'))).status).toBe(200);
    } finally {
      await replica.stop();
    }
  });

  it('keeps the counters in Redis when REDIS_URL is set, so that replicas share them', async () => {
    const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
    const replicaA = await startGateway(replicaOptions(redisUrl), t.stack.subgraphUrls);
    const replicaB = await startGateway(replicaOptions(redisUrl), t.stack.subgraphUrls);
    const redis = new Redis(redisUrl);
    try {
      const token = await t.tokenFor('mgr-child');
      // Within one minute window: three requests on A (its own count would allow them all), then three on B,
      // which in memory would allow its three as well; shared, B's count continues A's and refuses.
      const msIntoMinute = Date.now() % 60_000;
      if (msIntoMinute > 55_000) await new Promise((resolve) => setTimeout(resolve, 60_500 - msIntoMinute));
      const results = [];
      for (const url of [replicaA.gatewayUrl, replicaA.gatewayUrl, replicaA.gatewayUrl, replicaB.gatewayUrl, replicaB.gatewayUrl, replicaB.gatewayUrl]) {
        results.push(await send(url, token));
      }
      const onB = results.slice(3);
      expect(onB.some((r) => r.status === 429)).toBe(true);
      expect(onB.filter((r) => r.status === 429).every((r) => Number(r.headers['retry-after']) >= 1 && r.body.errors[0].extensions.code === 'RATE_LIMITED')).toBe(true);
      expect(await redis.keys(`vartija:rate:user:${DEMO.users['mgr-child'].id}:*`)).not.toHaveLength(0);
    } finally {
      await redis.quit();
      await replicaA.stop();
      await replicaB.stop();
    }
  });
});
