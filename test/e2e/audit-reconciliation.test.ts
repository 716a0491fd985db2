import { rowsOf, SENSITIVE_FIELDS } from '@vartija/kit';
import { DEMO_PARTNER_TOKEN, entries } from '@vartija/db';
import { eq, sql } from 'drizzle-orm';
import { codesOf, DEMO, startTestStack, SwitchableAuditSink, type TestStack } from '../testkit';

let t: TestStack;
/** The real chained sink, with a switch to make the log write fail on demand. */
const auditLog = new SwitchableAuditSink(() => t.database);

beforeAll(async () => {
  t = await startTestStack({
    auditSink: auditLog,
  });
});
afterAll(() => t?.close());

const SENSITIVE = new Set(SENSITIVE_FIELDS.map((f) => `${f.type}.${f.field}`));
// Types the API shows without an id: compare them by type and field only.
const NO_ID = new Set(['CareDay', 'DocumentRevision']);

/** Every sensitive (entity, field) value in a response; objects carry __typename and, where they have one, id. */
function valuesIn(data: unknown, forbidden: Set<string>, path: (string | number)[] = [], out: string[] = []): string[] {
  if (Array.isArray(data)) data.forEach((item, i) => valuesIn(item, forbidden, [...path, i], out));
  else if (data && typeof data === 'object') {
    const object = data as Record<string, unknown>;
    const type = object['__typename'];
    for (const [key, value] of Object.entries(object)) {
      const at = [...path, key];
      if (typeof type === 'string' && SENSITIVE.has(`${type}.${key}`) && !forbidden.has(at.join('.'))) {
        out.push(`${type}|${NO_ID.has(type) ? '-' : String(object['id'])}|${key}`);
      }
      valuesIn(value, forbidden, at, out);
    }
  }
  return out;
}

async function reconcile(as: { as?: string; token?: string }, query: string, variables: Record<string, unknown> = {}) {
  const result = await t.execute({ ...as, query, variables });
  const forbidden = new Set((result.errors ?? []).filter((e) => e.extensions?.['code'] === 'FORBIDDEN').map((e) => e.path!.join('.')));
  const log = await t.database.db.select().from(entries).where(eq(entries.requestId, result.headers['x-request-id']!));
  const logged = log
    .filter((e) => e.outcome === 'ALLOWED' && (e.action === 'READ' || e.action === 'DISCLOSE') && e.entityType !== 'AuditLog')
    .flatMap((e) => e.fields.map((f) => `${e.entityType}|${NO_ID.has(e.entityType) ? '-' : e.entityId}|${f}`));
  const denied = log.filter((e) => e.outcome === 'DENIED').flatMap((e) => e.fields);
  return { result, inResponse: valuesIn(result.data, forbidden).sort(), logged: logged.sort(), denied, forbidden };
}

const CLIENT_PAGE = /* GraphQL */ `
  query ($id: ID!) {
    client(id: $id) {
      __typename id displayName personalIdentityCode phone address { street }
      guardians { __typename id firstName phone }
      relationships { __typename id startedOn endedOn unit { id } }
      decisions { __typename id type legalSection }
      placements { __typename id kind careDays { __typename day costCents } }
      medications { __typename id medicine }
      documents { __typename id type title revisions { __typename revision reason } }
    }
  }
`;
const LIST = `{ clients(first: 15) { nodes { __typename id displayName personalIdentityCode address { postOffice } documents { __typename id title } } } }`;

describe('reconciliation: what responses hold equals what the log lists', () => {
  const cases: [string, { as?: string; token?: string }, string, () => Record<string, unknown>][] = [
    ['sw-child client page', { as: 'sw-child' }, CLIENT_PAGE, () => ({ id: DEMO.clients.childWelfareOpen })],
    ['sw-child non-disclosure client of another worker', { as: 'sw-child' }, CLIENT_PAGE, () => ({ id: DEMO.clients.childWelfareNonDisclosureOther })],
    ['mgr-child list', { as: 'mgr-child' }, LIST, () => ({})],
    ['student-child client page', { as: 'student-child' }, CLIENT_PAGE, () => ({ id: DEMO.clients.childWelfareOpen })],
    ['billing client page', { as: 'billing' }, CLIENT_PAGE, () => ({ id: DEMO.clients.childWelfareOpen })],
    ['sw-adult list', { as: 'sw-adult' }, LIST, () => ({})],
    ['majakka client page', { token: DEMO_PARTNER_TOKEN }, CLIENT_PAGE, () => ({ id: DEMO.clients.majakkaActive[0] })],
  ];

  it.each(cases)('%s', async (_name, as, query, variables) => {
    const { result, inResponse, logged, denied, forbidden } = await reconcile(as, query, variables());
    expect(result.status).toBe(200);
    expect(inResponse.length).toBeGreaterThan(0);
    expect(logged).toEqual(inResponse);
    // Every FORBIDDEN path has its DENIED entry (by field name).
    expect(denied.length).toBeGreaterThanOrEqual(forbidden.size > 0 ? 1 : 0);
    for (const path of forbidden) expect(denied).toContain(path.split('.').filter((p) => Number.isNaN(Number(p))).at(-1));
  });
});

describe('fail-closed: no sensitive value leaves without its entry', () => {
  afterEach(() => {
    auditLog.failing = false;
  });

  it('answers AUDIT_UNAVAILABLE with no data when the log cannot be written', async () => {
    const { data: ok } = await t.execute<{ client: { personalIdentityCode: string } }>({
      as: 'sw-child',
      query: `query ($id: ID!) { client(id: $id) { personalIdentityCode } }`,
      variables: { id: DEMO.clients.childWelfareOpen },
    });
    const code = ok!.client.personalIdentityCode;
    auditLog.failing = true;
    const res = await t
      .gateway()
      .post('/graphql')
      .set('authorization', `Bearer ${await t.tokenFor('sw-child')}`)
      .set('content-type', 'application/json')
      .send({ query: CLIENT_PAGE, variables: { id: DEMO.clients.childWelfareOpen } });
    expect(res.text).not.toContain(code);
    expect(res.body.data?.client ?? null).toBeNull();
    expect(codesOf({ errors: res.body.errors })).toContain('AUDIT_UNAVAILABLE');
    for (const word of ['decisions', 'documents']) expect(JSON.stringify(res.body.data ?? {})).not.toContain(`"${word}":[{`);
  });
});

describe('what each entry says about the use', () => {
  const QUERY = `query ($id: ID!) { client(id: $id) { displayName } }`;
  const entryOf = async (result: { headers: Record<string, string> }) =>
    (await t.database.db.select().from(entries).where(eq(entries.requestId, result.headers['x-request-id']!)))[0]!;

  it('records the stated purpose, the emergency flag and the default purpose by role', async () => {
    const stated = await t.execute({ as: 'sw-child', query: QUERY, variables: { id: DEMO.clients.childWelfareOpen }, headers: { 'x-purpose-of-use': 'CASE_PREPARATION', 'x-emergency-access': 'true' } });
    expect(await entryOf(stated)).toMatchObject({ purpose: 'CASE_PREPARATION', emergency: true, action: 'READ', actorRole: 'SOCIAL_WORKER' });
    const byDefault = await t.execute({ as: 'billing', query: QUERY, variables: { id: DEMO.clients.childWelfareOpen } });
    expect(await entryOf(byDefault)).toMatchObject({ purpose: 'BILLING', emergency: false });
    const caller = await entryOf(byDefault);
    expect(caller.callerAddress).toMatch(/127\.0\.0\.1/);
  });

  it('records a declared print or export as PRINT / EXPORT', async () => {
    const printed = await t.execute({ as: 'sw-child', query: QUERY, variables: { id: DEMO.clients.childWelfareOpen }, headers: { 'x-access-intent': 'PRINT' } });
    expect((await entryOf(printed)).action).toBe('PRINT');
    const exported = await t.execute({ as: 'sw-child', query: QUERY, variables: { id: DEMO.clients.childWelfareOpen }, headers: { 'x-access-intent': 'export' } });
    expect((await entryOf(exported)).action).toBe('EXPORT');
  });

  it('refuses an unreadable purpose or intent with a clear 400', async () => {
    const badPurpose = await t.execute({ as: 'sw-child', query: QUERY, variables: { id: DEMO.clients.childWelfareOpen }, headers: { 'x-purpose-of-use': 'just looking!' } });
    expect(badPurpose.status).toBe(400);
    expect(badPurpose.errors?.[0]?.message).toMatch(/UPPER_SNAKE_CASE/);
    const badIntent = await t.execute({ as: 'sw-child', query: QUERY, variables: { id: DEMO.clients.childWelfareOpen }, headers: { 'x-access-intent': 'SHARE' } });
    expect(badIntent.status).toBe(400);
  });
});

describe('the log is partitioned by year', () => {
  it('stores entries in the partition of their year and guards partitions against TRUNCATE', async () => {
    await t.execute({ as: 'sw-child', query: `query ($id: ID!) { client(id: $id) { displayName } }`, variables: { id: DEMO.clients.childWelfareOpen } });
    const kind = rowsOf<{ relkind: string }>(await t.database.db.execute(sql`SELECT relkind FROM pg_class WHERE oid = 'audit.entries'::regclass`));
    expect(kind[0]?.relkind).toBe('p');
    const year = new Date().getUTCFullYear();
    const placed = rowsOf<{ partition: string; n: number }>(
      await t.database.db.execute(sql`SELECT tableoid::regclass::text AS partition, count(*)::int AS n FROM audit.entries GROUP BY 1`),
    );
    expect(placed.map((p) => p.partition)).toEqual([`audit.entries_y${year}`]);
    await expect(t.database.db.execute(sql.raw(`TRUNCATE audit.entries_y${year}`))).rejects.toThrow();
    const after = rowsOf<{ n: number }>(await t.database.db.execute(sql`SELECT count(*)::int AS n FROM audit.entries`));
    expect(after[0]!.n).toBe(placed[0]!.n);
  });
});
