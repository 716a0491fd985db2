/**
 * Issue 14 item 3: OpenTelemetry traces span the gateway and the subgraphs with one trace id (W3C
 * traceparent on every subgraph fetch), captured here with the in-memory exporter, and no span
 * attribute carries personal data: names, ids, variables or tokens.
 */
import { readFileSync } from 'node:fs';
import { DEMO } from '@vartija/db';
import { DEFAULT_SUPERGRAPH_PATH } from '@vartija/gateway';
import { registerInMemoryTracing, type Tracing } from '@vartija/kit';
import { startGateway } from '@vartija/tools';
import type { InMemorySpanExporter, ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { eventually, type ObservedStack, startObservedStack } from './operations/observed-stack';

const CLIENT_PAGE = 'query ClientPage($id: ID!) { client(id: $id) { displayName personalIdentityCode documents { title } } }';
/** Every attribute a span may carry: what was asked and how it went, never who or about whom. */
const ALLOWED_ATTRIBUTES = new Set([
  'vartija.service',
  'vartija.route',
  'vartija.outcome',
  'graphql.operation.name',
  'graphql.operation.type',
  'operationName',
  'service',
  'http.request.method',
  'http.response.status_code',
]);
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

let tracing: Tracing & { exporter: InMemorySpanExporter };
let t: ObservedStack;
beforeAll(async () => {
  tracing = registerInMemoryTracing();
  // ClientPage is a known name (KNOWN_OPERATION_NAMES): others would be (unlisted).
  t = await startObservedStack({ knownOperationNames: ['ClientPage'] });
});
afterAll(async () => {
  await t?.close();
  await tracing?.shutdown();
});
beforeEach(() => tracing.exporter.reset());

const spans = () => tracing.exporter.getFinishedSpans();
const serverSpanOf = (service: string, list: ReadableSpan[] = spans()) => list.filter((s) => s.attributes['vartija.service'] === service);

async function clientPage(headers: Record<string, string> = {}, url?: string) {
  const token = await t.tokenFor('sw-child');
  const response = await fetch(url ?? `${t.stack.gatewayUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
    body: JSON.stringify({ query: CLIENT_PAGE, variables: { id: DEMO.clients.childWelfareOpen } }),
  });
  const body = (await response.json()) as { data?: { client?: { displayName?: string; personalIdentityCode?: string } } };
  expect(response.status).toBe(200);
  expect(body.data?.client?.displayName).toEqual(expect.any(String));
  return { body, token };
}

describe('one trace from the gateway through the subgraphs', () => {
  it('gives the gateway, its fetches and both subgraphs one trace id, each subgraph span a child of a gateway fetch', async () => {
    await clientPage();
    await eventually(() => serverSpanOf('gateway').length === 1 && serverSpanOf('documents').length === 1, 'the server spans');
    const [gateway] = serverSpanOf('gateway');
    const traceId = gateway!.spanContext().traceId;
    const trace = spans().filter((s) => s.spanContext().traceId === traceId);
    const names = trace.map((s) => s.name);
    // @apollo/gateway's own spans are part of the same trace.
    expect(names).toEqual(expect.arrayContaining(['gateway.request', 'gateway.plan', 'gateway.execute', 'gateway.fetch']));
    const fetches = trace.filter((s) => s.name === 'gateway.fetch');
    for (const service of ['clients', 'documents']) {
      const [subgraph] = serverSpanOf(service, trace);
      expect(subgraph).toBeDefined();
      const parent = fetches.find((f) => f.spanContext().spanId === subgraph!.parentSpanId);
      expect(parent?.attributes['service']).toBe(service);
      expect(subgraph!.attributes).toMatchObject({ 'vartija.route': 'graphql', 'vartija.outcome': 'ok', 'http.response.status_code': 200 });
      expect(String(subgraph!.attributes['graphql.operation.name'])).toMatch(new RegExp(`^ClientPage__${service}__\\d+$`));
    }
    expect(gateway!.parentSpanId).toBeUndefined();
    expect(gateway!.attributes).toMatchObject({ 'graphql.operation.name': 'ClientPage', 'vartija.outcome': 'ok', 'http.response.status_code': 200 });
  });

  it('puts no personal data in any span: names, identity codes, ids, variables and tokens stay out', async () => {
    const { body, token } = await clientPage();
    await eventually(() => serverSpanOf('documents').length === 1, 'the spans');
    const secrets = [body.data!.client!.displayName!, body.data!.client!.personalIdentityCode, DEMO.clients.childWelfareOpen, token, 'sw-child', DEMO.users['sw-child'].id].filter(
      (s): s is string => typeof s === 'string' && s.length > 0,
    );
    for (const span of spans()) {
      for (const key of Object.keys(span.attributes)) expect(ALLOWED_ATTRIBUTES).toContain(key);
      const text = JSON.stringify({ name: span.name, attributes: span.attributes, events: span.events, links: span.links });
      for (const secret of secrets) expect(text).not.toContain(secret);
      expect(text).not.toMatch(UUID);
    }
  });

  it("starts a new trace for a client's traceparent, and continues one from a trusted proxy", async () => {
    const foreign = '4bf92f3577b34da6a3ce929d0e0e4736';
    const traceparent = `00-${foreign}-00f067aa0ba902b7-01`;
    await clientPage({ traceparent });
    await eventually(() => serverSpanOf('gateway').length === 1, 'the gateway span');
    expect(serverSpanOf('gateway')[0]!.spanContext().traceId).not.toBe(foreign);

    // A second gateway replica behind a trusted proxy (here: loopback) continues the proxy's trace.
    const behindProxy = await startGateway(
      { database: t.database, keys: t.keys, supergraphSdl: readFileSync(DEFAULT_SUPERGRAPH_PATH, 'utf8'), trustedProxies: ['loopback'] },
      t.stack.subgraphUrls,
    );
    try {
      tracing.exporter.reset();
      await clientPage({ traceparent }, `${behindProxy.gatewayUrl}/graphql`);
      await eventually(() => serverSpanOf('gateway').length === 1 && serverSpanOf('clients').length === 1, 'the spans');
      expect(serverSpanOf('gateway')[0]!.spanContext().traceId).toBe(foreign);
      expect(serverSpanOf('clients')[0]!.spanContext().traceId).toBe(foreign);
    } finally {
      await behindProxy.stop();
    }
  });
});
