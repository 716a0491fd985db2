/**
 * Issue 14 item 3: Prometheus metrics on every service. Known requests are sent through the real
 * gateway; each service's own `/metrics` then shows exactly those counts: requests per operation and
 * outcome, subgraph fetches, access-log batches and failures, DENIED entries, rate-limit and cost refusals.
 */
import { DEMO, entries, persistedOperations } from '@vartija/db';
import { and, count, eq } from 'drizzle-orm';
import { SwitchableAuditSink } from '../testkit';
import { baseOf, eventually, type ObservedStack, startObservedStack } from './operations/observed-stack';
import { scrape, valueOf } from './operations/prometheus';

const LIST = 'query ClientList { clients(first: 2) { totalCount nodes { id displayName } } }';
const TOO_EXPENSIVE = 'query TooExpensive { clients(first: 100) { nodes { id documents { title body } relationships { startedOn } } } }';
const HIDDEN = 'query Hidden($id: ID!) { client(id: $id) { displayName personalIdentityCode } }';
const REQUESTS = 'vartija_http_requests_total';
const PARTNER_ME = 'query PartnerMe { me { id } }';

let t: ObservedStack;
const sink = new SwitchableAuditSink(() => t.database);
beforeAll(async () => {
  // The operations' names are the register's known names (KNOWN_OPERATION_NAMES): others would be (unlisted).
  t = await startObservedStack({ auditSink: sink, staffRateLimitPerMinute: 2, maxOperationCost: 500, knownOperationNames: ['ClientList', 'TooExpensive', 'Hidden'] });
  // A persisted operation's name is a known name too (read by each service, cached for seconds).
  await t.database.db.insert(persistedOperations).values({ id: 'PartnerMe.000000000000', sha256: '0'.repeat(64), operationName: 'PartnerMe', document: PARTNER_ME });
});
afterAll(() => t?.close());

const gateway = () => scrape(baseOf(t.stack.gatewayUrl));
const subgraph = (name: 'clients' | 'services' | 'documents' | 'audit') => scrape(baseOf(t.stack.subgraphUrls[name]));

describe('metrics after known requests', () => {
  beforeAll(async () => {
    // sw-child: three lists (ok). No token: one refusal. billing: two allowed requests, then refused by the staff limit.
    for (let i = 0; i < 3; i++) expect((await t.post({ query: LIST }, { as: i === 0 ? 'sw-child' : i === 1 ? 'sw-family' : 'sw-adult' })).status).toBe(200);
    expect((await t.post({ query: LIST })).status).toBe(401);
    for (let i = 0; i < 2; i++) expect((await t.post({ query: LIST }, { as: 'billing' })).status).toBe(200);
    expect((await t.post({ query: LIST }, { as: 'billing' })).status).toBe(429);
    expect((await t.post({ query: TOO_EXPENSIVE }, { as: 'mgr-child' })).status).toBe(400);
    expect((await t.post({ query: HIDDEN, variables: { id: DEMO.clients.childWelfareOpen } }, { as: 'student-child' })).status).toBe(200);
  });

  it('counts the gateway requests per operation and outcome', async () => {
    await eventually(async () => valueOf(await gateway(), REQUESTS) === 9, 'nine gateway requests counted');
    const samples = await gateway();
    const ofOperation = (operation: string, outcome: string) => valueOf(samples, REQUESTS, { service: 'gateway', route: 'graphql', operation, outcome });
    expect(ofOperation('ClientList', 'ok')).toBe(5);
    // Refused before the document was parsed, with no operationName stated: no operation to name.
    expect(ofOperation('(none)', 'UNAUTHENTICATED')).toBe(1);
    expect(ofOperation('ClientList', 'RATE_LIMITED')).toBe(1);
    expect(ofOperation('TooExpensive', 'COST_ESTIMATED_TOO_EXPENSIVE')).toBe(1);
    // The student's answer has data and FORBIDDEN fields: the outcome is the first error's code.
    expect(ofOperation('Hidden', 'FORBIDDEN')).toBe(1);
    expect(valueOf(samples, 'vartija_http_request_duration_seconds_count', { operation: 'ClientList', outcome: 'ok' })).toBe(5);
    expect(valueOf(samples, 'vartija_http_request_duration_seconds_bucket', { operation: 'ClientList', outcome: 'ok', le: '+Inf' })).toBe(5);
  });

  it('counts the refusals of the rate limit and of the cost budget', async () => {
    const samples = await gateway();
    expect(valueOf(samples, 'vartija_rate_limit_refusals_total', { service: 'gateway', limit: 'staff' })).toBe(1);
    expect(valueOf(samples, 'vartija_rate_limit_refusals_total', { limit: 'partner' })).toBe(0);
    expect(valueOf(samples, 'vartija_cost_refusals_total', { service: 'gateway' })).toBe(1);
  });

  it('times the subgraph fetches at the gateway, by subgraph', async () => {
    const samples = await gateway();
    // Five lists answered and the student's client: six fetches from clients, none from the other subgraphs.
    expect(valueOf(samples, 'vartija_subgraph_fetch_duration_seconds_count', { service: 'gateway', subgraph: 'clients', outcome: 'ok' })).toBe(6);
    expect(valueOf(samples, 'vartija_subgraph_fetch_duration_seconds_count', { subgraph: 'documents' })).toBe(0);
  });

  it('counts each subgraph on its own /metrics, with its own service label', async () => {
    const clients = await subgraph('clients');
    const graphql = clients.filter((s) => s.name === REQUESTS && s.labels['route'] === 'graphql');
    expect(graphql.every((s) => s.labels['service'] === 'clients')).toBe(true);
    // The gateway names each fetch after the client's operation.
    expect(valueOf(clients, REQUESTS, { outcome: 'ok' })).toBe(6);
    expect(graphql.filter((s) => s.labels['outcome'] === 'ok').every((s) => /^(ClientList|Hidden)__clients__\d+$/.test(s.labels['operation']!))).toBe(true);
    expect(valueOf(await subgraph('documents'), REQUESTS)).toBe(0);
  });

  it('measures access-log batches (one append per request, at the gateway) and counts DENIED entries where they were recorded', async () => {
    const samples = await gateway();
    // Five lists and the student's client: six requests, each logged in one batch holding the subgraphs' entries too.
    expect(valueOf(samples, 'vartija_access_log_batch_entries_count', { service: 'gateway', outcome: 'ok' })).toBe(6);
    expect(valueOf(samples, 'vartija_access_log_write_duration_seconds_count', { outcome: 'ok' })).toBe(6);
    const [logged] = await t.database.db.select({ n: count() }).from(entries);
    expect(valueOf(samples, 'vartija_access_log_batch_entries_sum', { outcome: 'ok' })).toBe(logged!.n);
    // The subgraphs return their entries instead of writing them.
    expect(valueOf(await subgraph('clients'), 'vartija_access_log_batch_entries_count')).toBe(0);
    const [denied] = await t.database.db
      .select({ n: count() })
      .from(entries)
      .where(and(eq(entries.subgraph, 'gateway'), eq(entries.outcome, 'DENIED')));
    expect(denied!.n).toBeGreaterThan(0);
    expect(valueOf(samples, 'vartija_access_denied_total', { service: 'gateway', action: 'READ' })).toBe(denied!.n);
  });

  it('counts access-log write failures', async () => {
    const before = valueOf(await gateway(), 'vartija_access_log_write_failures_total');
    sink.failing = true;
    try {
      const body = (await (await t.post({ query: LIST }, { as: 'sw-child' })).json()) as { errors?: { extensions?: { code?: string } }[] };
      expect(body.errors?.[0]?.extensions?.code).toBe('AUDIT_UNAVAILABLE');
    } finally {
      sink.failing = false;
    }
    await eventually(async () => valueOf(await gateway(), 'vartija_access_log_write_failures_total') === before + 1, 'one failure counted');
    const samples = await gateway();
    expect(valueOf(samples, 'vartija_access_log_batch_entries_count', { outcome: 'failed' })).toBe(1);
    expect(valueOf(samples, REQUESTS, { operation: 'ClientList', outcome: 'AUDIT_UNAVAILABLE' })).toBe(1);
  });

  it("labels a persisted operation's name, in the gateway and in the subgraph it fetched from; any other name is (unlisted)", async () => {
    expect((await t.post({ query: PARTNER_ME }, { as: 'admin' })).status).toBe(200);
    expect((await t.post({ query: 'query Aino_Virtanen { me { id } }' }, { as: 'sw-adult' })).status).toBe(200);
    await eventually(async () => valueOf(await gateway(), REQUESTS, { operation: 'PartnerMe' }) === 1, 'the persisted name counted');
    const samples = await gateway();
    expect(valueOf(samples, REQUESTS, { operation: '(unlisted)', outcome: 'ok' })).toBe(1);
    expect(samples.some((s) => JSON.stringify(s.labels).includes('Virtanen'))).toBe(false);
    const clients = await subgraph('clients');
    expect(clients.filter((s) => s.name === REQUESTS && /^PartnerMe__clients__\d+$/.test(s.labels['operation'] ?? '')).length).toBe(1);
    expect(valueOf(clients, REQUESTS, { operation: '(unlisted)' })).toBe(1);
  });

  it('serves the Prometheus text format, and no metric label holds an id or a value', async () => {
    const response = await fetch(`${baseOf(t.stack.gatewayUrl)}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toContain('# TYPE vartija_http_requests_total counter');
    expect(text).not.toContain(DEMO.clients.childWelfareOpen);
    expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
  });
});
