import {
  clientRelationships,
  clients,
  decisions,
  documentRevisions,
  documents,
  entries,
  makePersonalIdentityCode,
  placements,
} from '@vartija/db';
import { type AuditSink, DbAuditSink } from '@vartija/kit';
import { and, count, eq, ne } from 'drizzle-orm';
import type { GraphQLFormattedError } from 'graphql';
import { codesOf, DEMO, startTestStack, type TestStack } from '../testkit';

let t: TestStack;

/** The real access-log sink, which a test can make fail for writes made inside a mutation's transaction. */
let failTransactionalAuditWrites = false;
const switchableAuditSink: AuditSink = {
  async write(batch, via) {
    if (failTransactionalAuditWrites && via) throw new Error('audit log unavailable (test)');
    return new DbAuditSink(t.database.db).write(batch, via);
  },
};

beforeAll(async () => {
  t = await startTestStack({ auditSink: switchableAuditSink });
});
/** Set when a request was seen to deadlock the database (see the last describe block). */
let databaseDeadlocked = false;
afterAll(async () => {
  if (!databaseDeadlocked) return t?.close();
  // The stuck transaction never releases PGlite, so closing it would wait forever.
  await Promise.race([t.close(), new Promise((resolve) => setTimeout(resolve, 1_000))]);
});
afterEach(() => {
  failTransactionalAuditWrites = false;
});

const UNITS = {
  child: DEMO.units['child-welfare'].id,
  family: DEMO.units['family-services'].id,
  adult: DEMO.units['adult-services'].id,
};
const USERS = DEMO.users;
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

// ------------------------------------------------------------------------------------------------
// Helpers
// ------------------------------------------------------------------------------------------------

const db = () => t.database.db;

let hetuCounter = 0;
/** A valid test-person henkilötunnus that no client in the database has yet. */
async function freshHetu(): Promise<string> {
  for (;;) {
    hetuCounter += 1;
    const day = new Date(Date.UTC(1931, 0, 1) + hetuCounter * 86_400_000).toISOString().slice(0, 10);
    const code = makePersonalIdentityCode(day, 900 + (hetuCounter % 100));
    const existing = await db().select({ id: clients.id }).from(clients).where(eq(clients.personalIdentityCode, code));
    if (existing.length === 0) return code;
  }
}

/** Rows that a write would leave behind, counted table by table. */
async function writeFootprint() {
  const n = async (query: Promise<{ n: number }[]>) => Number((await query)[0]!.n);
  return {
    clients: await n(db().select({ n: count() }).from(clients)),
    relationships: await n(db().select({ n: count() }).from(clientRelationships)),
    decisions: await n(db().select({ n: count() }).from(decisions)),
    placements: await n(db().select({ n: count() }).from(placements)),
    documents: await n(db().select({ n: count() }).from(documents)),
    revisions: await n(db().select({ n: count() }).from(documentRevisions)),
    // Reads are logged too, and so may be refused attempts: only allowed writes (CREATE, UPDATE, ...) count.
    writeEntries: await n(
      db()
        .select({ n: count() })
        .from(entries)
        .where(and(ne(entries.action, 'READ'), eq(entries.outcome, 'ALLOWED'))),
    ),
  };
}

/** The allowed write entries (not reads) of one entity. */
function writeEntriesFor(entityId: string) {
  return db()
    .select()
    .from(entries)
    .where(and(eq(entries.entityId, entityId), ne(entries.action, 'READ'), eq(entries.outcome, 'ALLOWED')));
}

const errorOf = (result: { errors?: readonly GraphQLFormattedError[] | undefined }) => result.errors?.[0];

const CREATE_CLIENT = /* GraphQL */ `
  mutation CreateClient($input: CreateClientInput!) {
    createClient(input: $input) {
      id
      version
      firstName
      lastName
      personalIdentityCode
      municipality
      relationships { id unit { code } serviceTask startedOn endedOn responsibleWorkerName }
    }
  }
`;

interface CreatedClient {
  id: string;
  version: number;
  firstName: string | null;
  lastName: string | null;
  personalIdentityCode: string | null;
  municipality: string | null;
  relationships: {
    id: string;
    unit: { code: string };
    serviceTask: string;
    startedOn: string;
    endedOn: string | null;
    responsibleWorkerName: string | null;
  }[];
}

function createClient(as: string, input: Record<string, unknown>) {
  return t.execute<{ createClient: CreatedClient }>({ as, query: CREATE_CLIENT, variables: { input } });
}

/** Creates a client in child welfare as sw-child and returns it; fails the test if that does not work. */
async function newChildWelfareClient(extra: Record<string, unknown> = {}): Promise<CreatedClient> {
  const result = await createClient('sw-child', {
    firstName: 'Testi',
    lastName: `Asiakas${hetuCounter}`,
    personalIdentityCode: await freshHetu(),
    municipality: 'Tampere',
    unitId: UNITS.child,
    ...extra,
  });
  expect(result.errors).toBeUndefined();
  return result.data!.createClient;
}

const UPDATE_CLIENT = /* GraphQL */ `
  mutation UpdateClient($id: ID!, $version: Int!, $input: UpdateClientInput!) {
    updateClient(id: $id, version: $version, input: $input) { id version municipality phone }
  }
`;

const OPEN_RELATIONSHIP = /* GraphQL */ `
  mutation OpenRelationship($input: OpenRelationshipInput!) {
    openRelationship(input: $input) { id unit { code } serviceTask startedOn endedOn responsibleWorkerName }
  }
`;

const END_RELATIONSHIP = /* GraphQL */ `
  mutation EndRelationship($id: ID!, $endedOn: Date!) {
    endRelationship(id: $id, endedOn: $endedOn) { id startedOn endedOn }
  }
`;

const RECORD_DECISION = /* GraphQL */ `
  mutation RecordDecision($input: RecordDecisionInput!) {
    recordDecision(input: $input) { id type legalAct legalSection decidedAt content unit { id } }
  }
`;

const RECORD_PLACEMENT = /* GraphQL */ `
  mutation RecordPlacement($input: RecordPlacementInput!) {
    recordPlacement(input: $input) { id kind providerName startsOn endsOn unit { id } }
  }
`;

const RECORD_DOCUMENT = /* GraphQL */ `
  mutation RecordDocument($input: RecordDocumentInput!) {
    recordDocument(input: $input) { id type title body revision authorName }
  }
`;

const CORRECT_DOCUMENT = /* GraphQL */ `
  mutation CorrectDocument($id: ID!, $expectedRevision: Int!, $input: CorrectDocumentInput!) {
    correctDocument(id: $id, expectedRevision: $expectedRevision, input: $input) {
      id
      title
      body
      revision
      revisions { revision title body reason authorName }
    }
  }
`;

interface RecordedDocument {
  id: string;
  type: string;
  title: string;
  body: string;
  revision: number;
  authorName: string | null;
}

interface CorrectedDocument {
  id: string;
  title: string;
  body: string;
  revision: number;
  revisions: { revision: number; title: string; body: string; reason: string | null; authorName: string | null }[];
}

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
const anHourAgo = () => new Date(Date.now() - 3_600_000).toISOString();

function decisionInput(overrides: Record<string, unknown> = {}) {
  return {
    clientId: DEMO.clients.childWelfareOpen,
    unitId: UNITS.child,
    type: 'OPEN_CARE_SUPPORT',
    legalAct: 'Lastensuojelulaki 417/2007',
    legalSection: '36 §',
    decidedAt: anHourAgo(),
    content: 'Tukihenkilö kahdesti kuukaudessa.',
    ...overrides,
  };
}

function documentInput(overrides: Record<string, unknown> = {}) {
  return {
    clientId: DEMO.clients.childWelfareOpen,
    unitId: UNITS.child,
    type: 'CASE_NOTE',
    title: 'Kotikäynti',
    body: 'Kotikäynnillä keskusteltiin koulunkäynnistä.',
    ...overrides,
  };
}

async function recordDocument(as: string, overrides: Record<string, unknown> = {}) {
  const result = await t.execute<{ recordDocument: RecordedDocument }>({
    as,
    query: RECORD_DOCUMENT,
    variables: { input: documentInput(overrides) },
  });
  expect(result.errors).toBeUndefined();
  return result.data!.recordDocument;
}

function correctDocument(as: string, id: string, expectedRevision: number, input: Record<string, unknown>) {
  return t.execute<{ correctDocument: CorrectedDocument }>({
    as,
    query: CORRECT_DOCUMENT,
    variables: { id, expectedRevision, input },
  });
}

// ------------------------------------------------------------------------------------------------
// sw-child: clients
// ------------------------------------------------------------------------------------------------

describe('sw-child (SOCIAL_WORKER, child-welfare): creating clients', () => {
  it('creates a client in child welfare, opens a relationship without a responsible worker (the manager names one) and logs the change without values', async () => {
    const hetu = await freshHetu();
    const created = await createClient('sw-child', {
      firstName: 'Aino',
      lastName: 'Uusiasiakas',
      personalIdentityCode: hetu,
      municipality: 'Nokia',
      unitId: UNITS.child,
      startedOn: '2025-01-15',
    });
    expect(created.errors).toBeUndefined();
    const client = created.data!.createClient;
    expect(client).toMatchObject({ version: 1, firstName: 'Aino', lastName: 'Uusiasiakas', personalIdentityCode: hetu });
    expect(client.relationships).toEqual([
      {
        id: expect.any(String),
        unit: { code: 'child-welfare' },
        serviceTask: 'CHILD_WELFARE',
        startedOn: '2025-01-15',
        endedOn: null,
        // Who is responsible decides who reads non-disclosure contact data: the manager's call (policy v2).
        responsibleWorkerName: null,
      },
    ]);

    // Read back in a separate request.
    const read = await t.execute<{ client: { id: string; displayName: string; personalIdentityCode: string; municipality: string } | null }>({
      as: 'sw-child',
      query: `query ($id: ID!) { client(id: $id) { id displayName personalIdentityCode municipality } }`,
      variables: { id: client.id },
    });
    expect(read.errors).toBeUndefined();
    expect(read.data?.client).toMatchObject({ id: client.id, personalIdentityCode: hetu, municipality: 'Nokia' });
    expect(read.data?.client?.displayName).toContain('Aino');

    const [relationship] = await db().select().from(clientRelationships).where(eq(clientRelationships.clientId, client.id));
    expect(relationship).toMatchObject({ unitId: UNITS.child, responsibleWorkerId: null, endedOn: null });

    const [entry, ...more] = await db()
      .select()
      .from(entries)
      .where(and(eq(entries.entityType, 'Client'), eq(entries.entityId, client.id), eq(entries.action, 'CREATE')));
    expect(more).toHaveLength(0);
    expect(entry).toMatchObject({
      clientId: client.id,
      unitId: UNITS.child,
      outcome: 'ALLOWED',
      actorKind: 'USER',
      actorId: USERS['sw-child'].id,
      actorRole: 'SOCIAL_WORKER',
      operationName: 'CreateClient',
      subgraph: 'clients',
    });
    expect(entry!.fields).toEqual(expect.arrayContaining(['firstName', 'lastName', 'municipality', 'personalIdentityCode']));
    expect(entry!.categories).toEqual(expect.arrayContaining(['IDENTITY', 'PERSONAL_ID', 'CONTACT']));
    // Names of the fields, never their values.
    const logged = JSON.stringify(entry);
    for (const value of ['Aino', 'Uusiasiakas', hetu, 'Nokia']) expect(logged).not.toContain(value);

    const [relationshipEntry] = await writeEntriesFor(relationship!.id);
    expect(relationshipEntry).toMatchObject({ entityType: 'ClientRelationship', action: 'CREATE', clientId: client.id });
  });

  it('rejects an invalid personal identity code with BAD_USER_INPUT naming input.personalIdentityCode, writing nothing', async () => {
    const valid = await freshHetu();
    const wrongCheck = `${valid.slice(0, -1)}${valid.endsWith('Y') ? 'X' : 'Y'}`;
    const before = await writeFootprint();
    const result = await createClient('sw-child', {
      firstName: 'Väärä',
      lastName: 'Tunnus',
      personalIdentityCode: wrongCheck,
      unitId: UNITS.child,
    });
    expect(codesOf(result)).toEqual(['BAD_USER_INPUT']);
    expect(errorOf(result)?.extensions?.['field']).toBe('input.personalIdentityCode');
    expect(errorOf(result)?.message).toMatch(/^input\.personalIdentityCode: /);
    expect(result.data).toBeNull();
    expect(await writeFootprint()).toEqual(before);
  });

  it('rejects a client without names (and without a pseudonym) with BAD_USER_INPUT, writing nothing', async () => {
    const before = await writeFootprint();
    const noNames = await createClient('sw-child', { personalIdentityCode: await freshHetu(), unitId: UNITS.child });
    expect(codesOf(noNames)).toEqual(['BAD_USER_INPUT']);
    expect(errorOf(noNames)?.extensions?.['field']).toBe('input.lastName');
    const firstOnly = await createClient('sw-child', { firstName: 'Yksi', unitId: UNITS.child });
    expect(codesOf(firstOnly)).toEqual(['BAD_USER_INPUT']);
    const blank = await createClient('sw-child', { firstName: '  ', lastName: 'Tyhjä', unitId: UNITS.child });
    expect(codesOf(blank)).toEqual(['BAD_USER_INPUT']);
    expect(errorOf(blank)?.extensions?.['field']).toBe('input.firstName');
    expect(await writeFootprint()).toEqual(before);
  });

  it('accepts a pseudonym instead of names', async () => {
    const result = await createClient('sw-child', { pseudonym: 'Kettu', unitId: UNITS.child });
    expect(result.errors).toBeUndefined();
    const [row] = await db().select().from(clients).where(eq(clients.id, result.data!.createClient.id));
    expect(row).toMatchObject({ pseudonym: 'Kettu', firstName: null, lastName: null, personalIdentityCode: null });
  });

  it('takes on a person its unit already serves without a second client or relationship, and never overwrites the record', async () => {
    const [existing] = await db().select().from(clients).where(eq(clients.id, DEMO.clients.childWelfareOpen));
    const relationshipsBefore = await db().select().from(clientRelationships).where(eq(clientRelationships.clientId, existing!.id));
    const result = await createClient('sw-child', {
      firstName: 'Kaksois',
      lastName: 'Kappale',
      // Lower case is the same code.
      personalIdentityCode: existing!.personalIdentityCode!.toLowerCase(),
      unitId: UNITS.child,
    });
    expect(result.errors).toBeUndefined();
    expect(result.data?.createClient.id).toBe(existing!.id);
    expect(await db().select().from(clients).where(eq(clients.lastName, 'Kappale'))).toHaveLength(0);
    const [after] = await db().select().from(clients).where(eq(clients.id, existing!.id));
    expect(after).toEqual(existing);
    expect(await db().select().from(clientRelationships).where(eq(clientRelationships.clientId, existing!.id))).toHaveLength(relationshipsBefore.length);
  });

  it('refuses to create a client in another unit (family-services) with FORBIDDEN, writing nothing', async () => {
    const hetu = await freshHetu();
    const before = await writeFootprint();
    const result = await createClient('sw-child', { firstName: 'Vieras', lastName: 'Yksikkö', personalIdentityCode: hetu, unitId: UNITS.family });
    expect(codesOf(result)).toEqual(['FORBIDDEN']);
    expect(result.data).toBeNull();
    expect(await writeFootprint()).toEqual(before);
    expect(await db().select().from(clients).where(eq(clients.personalIdentityCode, hetu))).toHaveLength(0);
  });
});

describe('sw-child (SOCIAL_WORKER, child-welfare): updating clients', () => {
  it('updates with the current version, bumps the version and logs the changed fields', async () => {
    const client = await newChildWelfareClient();
    const result = await t.execute<{ updateClient: { id: string; version: number; municipality: string; phone: string } }>({
      as: 'sw-child',
      query: UPDATE_CLIENT,
      variables: { id: client.id, version: client.version, input: { municipality: 'Ylöjärvi', phone: '+358 40 123 4567' } },
    });
    expect(result.errors).toBeUndefined();
    expect(result.data?.updateClient).toEqual({ id: client.id, version: client.version + 1, municipality: 'Ylöjärvi', phone: '+358 40 123 4567' });
    const [row] = await db().select().from(clients).where(eq(clients.id, client.id));
    expect(row).toMatchObject({ version: client.version + 1, municipality: 'Ylöjärvi', phone: '+358 40 123 4567' });

    const updates = (await writeEntriesFor(client.id)).filter((e) => e.action === 'UPDATE');
    expect(updates).toHaveLength(1);
    expect(updates[0]!.fields).toEqual(['municipality', 'phone']);
    expect(JSON.stringify(updates[0])).not.toContain('Ylöjärvi');
  });

  it('answers a stale version with CONFLICT carrying currentVersion, leaving the row and the log unchanged', async () => {
    const client = await newChildWelfareClient();
    const first = await t.execute<{ updateClient: { version: number } }>({
      as: 'sw-child',
      query: UPDATE_CLIENT,
      variables: { id: client.id, version: client.version, input: { municipality: 'Pirkkala' } },
    });
    expect(first.data?.updateClient.version).toBe(client.version + 1);
    const [afterFirst] = await db().select().from(clients).where(eq(clients.id, client.id));
    const entriesAfterFirst = await writeEntriesFor(client.id);

    const stale = await t.execute({
      as: 'sw-child',
      query: UPDATE_CLIENT,
      variables: { id: client.id, version: client.version, input: { municipality: 'Lempäälä' } },
    });
    expect(codesOf(stale)).toEqual(['CONFLICT']);
    expect(errorOf(stale)?.extensions?.['currentVersion']).toBe(client.version + 1);
    expect(stale.data?.updateClient ?? null).toBeNull();
    const [afterStale] = await db().select().from(clients).where(eq(clients.id, client.id));
    expect(afterStale).toEqual(afterFirst);
    expect(afterStale!.municipality).toBe('Pirkkala');
    expect(await writeEntriesFor(client.id)).toHaveLength(entriesAfterFirst.length);
  });

  it('answers an update of a client it cannot see with NOT_FOUND, exactly as for an unknown id', async () => {
    const [before] = await db().select().from(clients).where(eq(clients.id, DEMO.clients.adultOnly));
    const hidden = await t.execute({
      as: 'sw-child',
      query: UPDATE_CLIENT,
      variables: { id: DEMO.clients.adultOnly, version: before!.version, input: { municipality: 'Nokia' } },
    });
    const unknown = await t.execute({
      as: 'sw-child',
      query: UPDATE_CLIENT,
      variables: { id: UNKNOWN_ID, version: 1, input: { municipality: 'Nokia' } },
    });
    expect(codesOf(hidden)).toEqual(['NOT_FOUND']);
    expect(codesOf(unknown)).toEqual(['NOT_FOUND']);
    expect(errorOf(hidden)?.message.replace(DEMO.clients.adultOnly, '<id>')).toBe(errorOf(unknown)?.message.replace(UNKNOWN_ID, '<id>'));
    const [after] = await db().select().from(clients).where(eq(clients.id, DEMO.clients.adultOnly));
    expect(after).toEqual(before);
  });

  it('rejects an invalid field value with BAD_USER_INPUT and leaves the version alone', async () => {
    const client = await newChildWelfareClient();
    const result = await t.execute({
      as: 'sw-child',
      query: UPDATE_CLIENT,
      variables: { id: client.id, version: client.version, input: { address: { postalCode: '123' } } },
    });
    expect(codesOf(result)).toEqual(['BAD_USER_INPUT']);
    expect(errorOf(result)?.extensions?.['field']).toBe('input.address.postalCode');
    const [row] = await db().select().from(clients).where(eq(clients.id, client.id));
    expect(row!.version).toBe(client.version);
  });
});

// ------------------------------------------------------------------------------------------------
// Relationships
// ------------------------------------------------------------------------------------------------

describe('sw-child (SOCIAL_WORKER, child-welfare): relationships', () => {
  // Recent dates: a relationship that ended more than 12 months ago would archive the client.
  const started = daysAgo(60);
  const ended = daysAgo(10);

  function endRelationship(as: string, id: string, endedOn: string) {
    return t.execute<{ endRelationship: { id: string; startedOn: string; endedOn: string } }>({
      as,
      query: END_RELATIONSHIP,
      variables: { id, endedOn },
    });
  }

  it('ends a relationship, logs it, refuses to end it twice, and opens a new one (without naming a responsible worker)', async () => {
    const client = await newChildWelfareClient({ startedOn: started });
    const relationshipId = client.relationships[0]!.id;

    const result = await endRelationship('sw-child', relationshipId, ended);
    expect(result.errors).toBeUndefined();
    expect(result.data?.endRelationship).toEqual({ id: relationshipId, startedOn: started, endedOn: ended });
    const [row] = await db().select().from(clientRelationships).where(eq(clientRelationships.id, relationshipId));
    expect(row!.endedOn).toBe(ended);
    const updates = (await writeEntriesFor(relationshipId)).filter((e) => e.action === 'UPDATE');
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({ entityType: 'ClientRelationship', clientId: client.id, unitId: UNITS.child, fields: ['endedOn'] });

    const before = await writeFootprint();
    const again = await endRelationship('sw-child', relationshipId, daysAgo(5));
    expect(codesOf(again)).toEqual(['CONFLICT']);
    const [unchanged] = await db().select().from(clientRelationships).where(eq(clientRelationships.id, relationshipId));
    expect(unchanged!.endedOn).toBe(ended);
    expect(await writeFootprint()).toEqual(before);

    const opened = await t.execute<{ openRelationship: CreatedClient['relationships'][number] }>({
      as: 'sw-child',
      query: OPEN_RELATIONSHIP,
      variables: { input: { clientId: client.id, unitId: UNITS.child, startedOn: daysAgo(5) } },
    });
    expect(opened.errors).toBeUndefined();
    expect(opened.data?.openRelationship).toMatchObject({
      unit: { code: 'child-welfare' },
      serviceTask: 'CHILD_WELFARE',
      startedOn: daysAgo(5),
      endedOn: null,
      responsibleWorkerName: null,
    });
    const [openedRow] = await db()
      .select()
      .from(clientRelationships)
      .where(eq(clientRelationships.id, opened.data!.openRelationship.id));
    expect(openedRow).toMatchObject({ clientId: client.id, unitId: UNITS.child, responsibleWorkerId: null });
    const [openEntry] = await writeEntriesFor(openedRow!.id);
    expect(openEntry).toMatchObject({ action: 'CREATE', entityType: 'ClientRelationship', clientId: client.id, unitId: UNITS.child });

    const page = await t.execute<{ client: { relationships: { id: string; endedOn: string | null }[] } }>({
      as: 'sw-child',
      query: `query ($id: ID!) { client(id: $id) { relationships { id endedOn } } }`,
      variables: { id: client.id },
    });
    expect(page.errors).toBeUndefined();
    expect(page.data?.client.relationships).toHaveLength(2);
    expect(page.data?.client.relationships).toEqual(
      expect.arrayContaining([
        { id: relationshipId, endedOn: ended },
        { id: openedRow!.id, endedOn: null },
      ]),
    );
  });

  it('rejects an end date before the start with BAD_USER_INPUT and leaves the relationship open', async () => {
    const client = await newChildWelfareClient({ startedOn: started });
    const relationshipId = client.relationships[0]!.id;
    const before = await writeFootprint();
    const result = await endRelationship('sw-child', relationshipId, daysAgo(61));
    expect(codesOf(result)).toEqual(['BAD_USER_INPUT']);
    expect(errorOf(result)?.extensions?.['field']).toBe('endedOn');
    expect(errorOf(result)?.message).toContain(started);
    const [row] = await db().select().from(clientRelationships).where(eq(clientRelationships.id, relationshipId));
    expect(row!.endedOn).toBeNull();
    expect(await writeFootprint()).toEqual(before);
  });

  it('answers ending an unknown relationship id with NOT_FOUND and a malformed one with BAD_USER_INPUT', async () => {
    expect(codesOf(await endRelationship('sw-child', UNKNOWN_ID, ended))).toEqual(['NOT_FOUND']);
    expect(codesOf(await endRelationship('sw-child', 'not-a-uuid', ended))).toEqual(['BAD_USER_INPUT']);
  });

  it('refuses to open a relationship in another unit with FORBIDDEN, writing nothing', async () => {
    const client = await newChildWelfareClient();
    const before = await writeFootprint();
    const result = await t.execute({
      as: 'sw-child',
      query: OPEN_RELATIONSHIP,
      variables: { input: { clientId: client.id, unitId: UNITS.family } },
    });
    expect(codesOf(result)).toEqual(['FORBIDDEN']);
    expect(await writeFootprint()).toEqual(before);
  });

  it('answers opening a relationship for a client it cannot see with NOT_FOUND, writing nothing', async () => {
    const before = await writeFootprint();
    const hidden = await t.execute({
      as: 'sw-child',
      query: OPEN_RELATIONSHIP,
      variables: { input: { clientId: DEMO.clients.adultOnly, unitId: UNITS.child } },
    });
    expect(codesOf(hidden)).toEqual(['NOT_FOUND']);
    expect(await writeFootprint()).toEqual(before);
  });

  it('sw-family may not end the child-welfare relationship of a client it sees through family services (NOT_FOUND: it cannot see that relationship)', async () => {
    const id = DEMO.relationships.childAndFamilyChildWelfare;
    const before = await writeFootprint();
    const result = await endRelationship('sw-family', id, ended);
    // Another unit's relationship is invisible: the same answer as an unknown id, never a hint that it exists.
    expect(codesOf(result)).toEqual(['NOT_FOUND']);
    const [row] = await db().select().from(clientRelationships).where(eq(clientRelationships.id, id));
    expect(row!.endedOn).toBeNull();
    expect(await writeFootprint()).toEqual(before);
  });

  it('sw-adult gets NOT_FOUND for the relationship of a client it cannot see, as for an unknown id', async () => {
    const id = DEMO.relationships.childWelfareOpen;
    const before = await writeFootprint();
    const result = await endRelationship('sw-adult', id, ended);
    expect(codesOf(result)).toEqual(['NOT_FOUND']);
    const [row] = await db().select().from(clientRelationships).where(eq(clientRelationships.id, id));
    expect(row!.endedOn).toBeNull();
    expect(await writeFootprint()).toEqual(before);
  });
});

// ------------------------------------------------------------------------------------------------
// Decisions and placements
// ------------------------------------------------------------------------------------------------

describe('sw-child (SOCIAL_WORKER, child-welfare): decisions and placements', () => {
  const CLIENT_PAGE = /* GraphQL */ `
    query ClientPage($id: ID!) {
      client(id: $id) {
        id
        decisions { id type legalAct legalSection content }
        placements { id kind providerName startsOn endsOn }
      }
    }
  `;

  it('records a decision and a placement for childWelfareOpen, shown on the client page', async () => {
    const decided = await t.execute<{ recordDecision: { id: string; type: string; legalSection: string; unit: { id: string } } }>({
      as: 'sw-child',
      query: RECORD_DECISION,
      variables: { input: decisionInput({ type: 'FAMILY_WORK', legalSection: '36 § 2 mom.' }) },
    });
    expect(decided.errors).toBeUndefined();
    const decision = decided.data!.recordDecision;
    expect(decision).toMatchObject({ type: 'FAMILY_WORK', legalSection: '36 § 2 mom.', unit: { id: UNITS.child } });
    const [decisionRow] = await db().select().from(decisions).where(eq(decisions.id, decision.id));
    expect(decisionRow).toMatchObject({ clientId: DEMO.clients.childWelfareOpen, unitId: UNITS.child, decisionMakerId: USERS['sw-child'].id });
    const [decisionEntry] = await writeEntriesFor(decision.id);
    expect(decisionEntry).toMatchObject({ action: 'CREATE', entityType: 'Decision', subgraph: 'services', clientId: DEMO.clients.childWelfareOpen });
    expect(decisionEntry!.fields).toEqual(['content', 'decidedAt', 'legalAct', 'legalSection', 'type']);

    const placed = await t.execute<{ recordPlacement: { id: string; kind: string; providerName: string; startsOn: string; endsOn: string | null } }>({
      as: 'sw-child',
      query: RECORD_PLACEMENT,
      variables: {
        input: {
          clientId: DEMO.clients.childWelfareOpen,
          unitId: UNITS.child,
          decisionId: decision.id,
          kind: 'KINSHIP_CARE',
          providerName: 'Isovanhemmat Virtanen',
          startsOn: '2025-03-01',
          endsOn: '2025-08-31',
        },
      },
    });
    expect(placed.errors).toBeUndefined();
    const placement = placed.data!.recordPlacement;
    expect(placement).toMatchObject({ kind: 'KINSHIP_CARE', providerName: 'Isovanhemmat Virtanen', startsOn: '2025-03-01', endsOn: '2025-08-31' });
    const [placementRow] = await db().select().from(placements).where(eq(placements.id, placement.id));
    expect(placementRow).toMatchObject({ decisionId: decision.id, unitId: UNITS.child, clientId: DEMO.clients.childWelfareOpen });
    const [placementEntry] = await writeEntriesFor(placement.id);
    expect(placementEntry).toMatchObject({ action: 'CREATE', entityType: 'Placement' });

    const page = await t.execute<{ client: { decisions: { id: string; type: string }[]; placements: { id: string; kind: string; providerName: string }[] } }>({
      as: 'sw-child',
      query: CLIENT_PAGE,
      variables: { id: DEMO.clients.childWelfareOpen },
    });
    expect(page.errors).toBeUndefined();
    expect(page.data?.client.decisions).toContainEqual(expect.objectContaining({ id: decision.id, type: 'FAMILY_WORK', legalSection: '36 § 2 mom.' }));
    expect(page.data?.client.placements).toContainEqual(expect.objectContaining({ id: placement.id, kind: 'KINSHIP_CARE', providerName: 'Isovanhemmat Virtanen' }));
  });

  it('refuses a decision into a unit of another service task (family-services) with FORBIDDEN, writing nothing', async () => {
    const before = await writeFootprint();
    // childAndFamily has an open family-services relationship, so the refusal cannot be "no relationship".
    for (const clientId of [DEMO.clients.childWelfareOpen, DEMO.clients.childAndFamily]) {
      const result = await t.execute({
        as: 'sw-child',
        query: RECORD_DECISION,
        variables: { input: decisionInput({ clientId, unitId: UNITS.family }) },
      });
      expect(codesOf(result)).toEqual(['FORBIDDEN']);
      expect(result.data).toBeNull();
    }
    expect(await writeFootprint()).toEqual(before);
  });

  it('answers a decision for a client the unit does not serve with NOT_FOUND, as for an unknown id', async () => {
    const before = await writeFootprint();
    for (const clientId of [DEMO.clients.adultOnly, UNKNOWN_ID]) {
      const result = await t.execute({ as: 'sw-child', query: RECORD_DECISION, variables: { input: decisionInput({ clientId }) } });
      expect(codesOf(result)).toEqual(['NOT_FOUND']);
    }
    const malformed = await t.execute({ as: 'sw-child', query: RECORD_DECISION, variables: { input: decisionInput({ clientId: 'not-a-uuid' }) } });
    expect(codesOf(malformed)).toEqual(['BAD_USER_INPUT']);
    expect(await writeFootprint()).toEqual(before);
  });

  it('answers a decision, placement or document for an archived client (invisible to the unit) with NOT_FOUND, writing nothing', async () => {
    // childWelfareArchived's only relationship ended ~18 months ago: past the 12-month window, the
    // client no longer exists for child-welfare staff (DESIGN §1, §3), so nothing may be recorded for it.
    const visible = await t.execute<{ client: unknown }>({
      as: 'sw-child',
      query: `query ($id: ID!) { client(id: $id) { id } }`,
      variables: { id: DEMO.clients.childWelfareArchived },
    });
    expect(visible.data?.client).toBeNull();
    const before = await writeFootprint();
    const decision = await t.execute({
      as: 'sw-child',
      query: RECORD_DECISION,
      variables: { input: decisionInput({ clientId: DEMO.clients.childWelfareArchived }) },
    });
    const document = await t.execute({
      as: 'sw-child',
      query: RECORD_DOCUMENT,
      variables: { input: documentInput({ clientId: DEMO.clients.childWelfareArchived }) },
    });
    const placement = await t.execute({
      as: 'sw-child',
      query: RECORD_PLACEMENT,
      variables: {
        input: {
          clientId: DEMO.clients.childWelfareArchived,
          unitId: UNITS.child,
          kind: 'FAMILY_CARE',
          providerName: 'Sijaisperhe',
          startsOn: daysAgo(1),
        },
      },
    });
    expect({ decision: codesOf(decision), placement: codesOf(placement), document: codesOf(document) }).toEqual({
      decision: ['NOT_FOUND'],
      placement: ['NOT_FOUND'],
      document: ['NOT_FOUND'],
    });
    expect(await writeFootprint()).toEqual(before);
  });

  it('rejects a decision dated in the future and a placement ending before it starts with BAD_USER_INPUT', async () => {
    const before = await writeFootprint();
    const future = await t.execute({
      as: 'sw-child',
      query: RECORD_DECISION,
      variables: { input: decisionInput({ decidedAt: new Date(Date.now() + 86_400_000).toISOString() }) },
    });
    expect(codesOf(future)).toEqual(['BAD_USER_INPUT']);
    expect(errorOf(future)?.extensions?.['field']).toBe('input.decidedAt');
    const backwards = await t.execute({
      as: 'sw-child',
      query: RECORD_PLACEMENT,
      variables: {
        input: {
          clientId: DEMO.clients.childWelfareOpen,
          unitId: UNITS.child,
          kind: 'FAMILY_CARE',
          providerName: 'Sijaisperhe',
          startsOn: '2025-05-01',
          endsOn: '2025-04-30',
        },
      },
    });
    expect(codesOf(backwards)).toEqual(['BAD_USER_INPUT']);
    expect(errorOf(backwards)?.extensions?.['field']).toBe('input.endsOn');
    expect(await writeFootprint()).toEqual(before);
  });
});

// ------------------------------------------------------------------------------------------------
// Documents
// ------------------------------------------------------------------------------------------------

describe('documents: recording and correcting', () => {
  it('sw-child records a document and corrects it; the original stays readable and the correction carries its reason', async () => {
    const recorded = await recordDocument('sw-child', { title: 'Alkuperäinen otsikko', body: 'Alkuperäinen teksti.' });
    expect(recorded).toMatchObject({ type: 'CASE_NOTE', title: 'Alkuperäinen otsikko', revision: 1, authorName: USERS['sw-child'].displayName });
    const [docRow] = await db().select().from(documents).where(eq(documents.id, recorded.id));
    expect(docRow).toMatchObject({ authorId: USERS['sw-child'].id, unitId: UNITS.child, currentRevision: 1 });
    expect(docRow!.relationshipId).toBe(DEMO.relationships.childWelfareOpen);

    const corrected = await correctDocument('sw-child', recorded.id, 1, {
      title: 'Alkuperäinen otsikko',
      body: 'Korjattu teksti.',
      reason: 'Päivämäärä oli väärin.',
    });
    expect(corrected.errors).toBeUndefined();
    expect(corrected.data?.correctDocument).toMatchObject({ id: recorded.id, body: 'Korjattu teksti.', revision: 2 });
    expect(corrected.data?.correctDocument.revisions).toEqual([
      expect.objectContaining({ revision: 1, body: 'Alkuperäinen teksti.', reason: null }),
      expect.objectContaining({ revision: 2, body: 'Korjattu teksti.', reason: 'Päivämäärä oli väärin.' }),
    ]);

    // A fresh read shows the same.
    const read = await t.execute<{ client: { documents: { id: string; body: string; revision: number; revisions: { revision: number; body: string; reason: string | null }[] }[] } }>({
      as: 'sw-child',
      query: `query ($id: ID!) { client(id: $id) { documents { id body revision revisions { revision body reason } } } }`,
      variables: { id: DEMO.clients.childWelfareOpen },
    });
    expect(read.errors).toBeUndefined();
    const doc = read.data!.client.documents.find((d) => d.id === recorded.id)!;
    expect(doc).toMatchObject({ body: 'Korjattu teksti.', revision: 2 });
    expect(doc.revisions).toEqual([
      { revision: 1, body: 'Alkuperäinen teksti.', reason: null },
      { revision: 2, body: 'Korjattu teksti.', reason: 'Päivämäärä oli väärin.' },
    ]);

    const logged = await writeEntriesFor(recorded.id);
    expect(logged.map((e) => e.action).sort()).toEqual(['CREATE', 'UPDATE']);
    expect(logged.find((e) => e.action === 'UPDATE')!.fields).toEqual(['body', 'revisions']);
    expect(JSON.stringify(logged)).not.toContain('Korjattu teksti');
  });

  it('answers a stale expectedRevision with CONFLICT (currentRevision) and writes no revision', async () => {
    const recorded = await recordDocument('sw-child');
    const first = await correctDocument('sw-child', recorded.id, 1, { title: 'T2', body: 'B2', reason: 'Ensimmäinen korjaus' });
    expect(first.data?.correctDocument.revision).toBe(2);
    const before = await writeFootprint();
    const [docBefore] = await db().select().from(documents).where(eq(documents.id, recorded.id));

    const stale = await correctDocument('sw-child', recorded.id, 1, { title: 'T3', body: 'B3', reason: 'Vanhentunut korjaus' });
    expect(codesOf(stale)).toEqual(['CONFLICT']);
    expect(errorOf(stale)?.extensions?.['currentRevision']).toBe(2);
    expect(stale.data).toBeNull();
    expect(await writeFootprint()).toEqual(before);
    const [docAfter] = await db().select().from(documents).where(eq(documents.id, recorded.id));
    expect(docAfter).toEqual(docBefore);
    expect(await db().select().from(documentRevisions).where(eq(documentRevisions.documentId, recorded.id))).toHaveLength(2);
  });

  it('refuses a correction by a social worker of the same unit who is not the author with FORBIDDEN', async () => {
    const recorded = await recordDocument('sw-child', { body: 'Sari kirjoitti tämän.' });
    const before = await writeFootprint();
    const result = await correctDocument('sw-child-2', recorded.id, 1, { title: 'X', body: 'Jennin korjaus', reason: 'Ei oma' });
    expect(codesOf(result)).toEqual(['FORBIDDEN']);
    expect(await writeFootprint()).toEqual(before);
    const [row] = await db().select().from(documents).where(eq(documents.id, recorded.id));
    expect(row).toMatchObject({ body: 'Sari kirjoitti tämän.', currentRevision: 1 });
  });

  it('refuses sw-child correcting a document mgr-child wrote, while mgr-child may correct sw-child’s document', async () => {
    const managers = await recordDocument('mgr-child', { type: 'MEETING_MEMO', body: 'Esihenkilön muistio.' });
    const [managersRow] = await db().select().from(documents).where(eq(documents.id, managers.id));
    expect(managersRow!.authorId).toBe(USERS['mgr-child'].id);

    const before = await writeFootprint();
    const refused = await correctDocument('sw-child', managers.id, 1, { title: 'X', body: 'Y', reason: 'Z' });
    expect(codesOf(refused)).toEqual(['FORBIDDEN']);
    expect(await writeFootprint()).toEqual(before);

    const workers = await recordDocument('sw-child', { body: 'Työntekijän teksti.' });
    const allowed = await correctDocument('mgr-child', workers.id, 1, { title: 'Tarkastettu', body: 'Esihenkilön korjaama.', reason: 'Tarkastus' });
    expect(allowed.errors).toBeUndefined();
    expect(allowed.data?.correctDocument).toMatchObject({ revision: 2, title: 'Tarkastettu' });
    expect(allowed.data?.correctDocument.revisions.at(-1)).toMatchObject({ reason: 'Tarkastus', authorName: USERS['mgr-child'].displayName });
    const [revision] = await db()
      .select()
      .from(documentRevisions)
      .where(and(eq(documentRevisions.documentId, workers.id), eq(documentRevisions.revision, 2)));
    expect(revision!.authorId).toBe(USERS['mgr-child'].id);
  });

  it('refuses a document into another unit with FORBIDDEN, writing nothing', async () => {
    const before = await writeFootprint();
    // childAndFamily is served by both units, so the refusal is the unit, not a missing relationship.
    const result = await t.execute({
      as: 'sw-child',
      query: RECORD_DOCUMENT,
      variables: { input: documentInput({ clientId: DEMO.clients.childAndFamily, unitId: UNITS.family }) },
    });
    expect(codesOf(result)).toEqual(['FORBIDDEN']);
    expect(await writeFootprint()).toEqual(before);
  });

  it('gives the same answer for a document into another unit whether or not the client exists there (no existence leak)', async () => {
    // sw-family cannot see childWelfareOpen. Whether it gets FORBIDDEN or NOT_FOUND must not depend on
    // the client having a relationship with child-welfare (DESIGN §3: same answer as a nonexistent id).
    const real = await t.execute({ as: 'sw-family', query: RECORD_DOCUMENT, variables: { input: documentInput() } });
    const unknown = await t.execute({
      as: 'sw-family',
      query: RECORD_DOCUMENT,
      variables: { input: documentInput({ clientId: UNKNOWN_ID }) },
    });
    expect(codesOf(real)).toHaveLength(1);
    expect(codesOf(real)).toEqual(codesOf(unknown));
  });
});

// ------------------------------------------------------------------------------------------------
// Personas that write nothing
// ------------------------------------------------------------------------------------------------

describe.each([
  ['student-child', 'STUDENT'],
  ['billing', 'BILLING'],
  ['dpo', 'AUDITOR'],
] as const)('%s (%s) writes nothing', (persona: 'student-child' | 'billing' | 'dpo', _role: string) => {
  it('createClient → FORBIDDEN, nothing written', async () => {
    const hetu = await freshHetu();
    const before = await writeFootprint();
    const result = await createClient(persona, { firstName: 'Ei', lastName: 'Sallittu', personalIdentityCode: hetu, unitId: UNITS.child });
    expect(codesOf(result)).toEqual(['FORBIDDEN']);
    expect(result.data).toBeNull();
    expect(await writeFootprint()).toEqual(before);
    expect(await db().select().from(clients).where(eq(clients.personalIdentityCode, hetu))).toHaveLength(0);
  });

  it('recordDocument → FORBIDDEN, nothing written', async () => {
    const before = await writeFootprint();
    const result = await t.execute({ as: persona, query: RECORD_DOCUMENT, variables: { input: documentInput({ title: `Ei sallittu ${persona}` }) } });
    expect(codesOf(result)).toEqual(['FORBIDDEN']);
    expect(result.data).toBeNull();
    expect(await writeFootprint()).toEqual(before);
  });

  it('recordDecision → FORBIDDEN, nothing written', async () => {
    const before = await writeFootprint();
    const result = await t.execute({ as: persona, query: RECORD_DECISION, variables: { input: decisionInput() } });
    expect(codesOf(result)).toEqual(['FORBIDDEN']);
    expect(await writeFootprint()).toEqual(before);
  });

  it('updateClient and correctDocument change nothing', async () => {
    const [clientBefore] = await db().select().from(clients).where(eq(clients.id, DEMO.clients.childWelfareOpen));
    const [docBefore] = await db().select().from(documents).where(eq(documents.id, DEMO.documents.childWelfareOpenCaseNote));
    const before = await writeFootprint();
    const update = await t.execute({
      as: persona,
      query: UPDATE_CLIENT,
      variables: { id: DEMO.clients.childWelfareOpen, version: clientBefore!.version, input: { municipality: 'Nokia' } },
    });
    const correct = await correctDocument(persona, DEMO.documents.childWelfareOpenCaseNote, docBefore!.currentRevision, {
      title: 'X',
      body: 'Y',
      reason: 'Z',
    });
    // A student sees the client and the (unrestricted) document: FORBIDDEN. Billing and the DPO see the
    // client but no documents at all, so the document does not exist for them.
    expect(codesOf(update)).toEqual(['FORBIDDEN']);
    expect(codesOf(correct)).toEqual([persona === 'student-child' ? 'FORBIDDEN' : 'NOT_FOUND']);
    expect(await writeFootprint()).toEqual(before);
    expect((await db().select().from(clients).where(eq(clients.id, DEMO.clients.childWelfareOpen)))[0]).toEqual(clientBefore);
  });
});

// ------------------------------------------------------------------------------------------------
// Transactions
// ------------------------------------------------------------------------------------------------

describe('a write and its access-log entries land together or not at all', () => {
  it('an intake of a person the unit already serves writes no client, no relationship and no CREATE entry', async () => {
    const [existing] = await db().select().from(clients).where(eq(clients.id, DEMO.clients.childAndFamily));
    const createsBefore = await db().select({ n: count() }).from(entries).where(eq(entries.action, 'CREATE'));
    const relationshipsBefore = await db().select({ n: count() }).from(clientRelationships);
    const result = await createClient('sw-child', {
      firstName: 'Osittainen',
      lastName: 'Kirjoitus',
      personalIdentityCode: existing!.personalIdentityCode,
      unitId: UNITS.child,
    });
    expect(result.errors).toBeUndefined();
    expect(result.data?.createClient.id).toBe(existing!.id);
    expect(await db().select({ n: count() }).from(entries).where(eq(entries.action, 'CREATE'))).toEqual(createsBefore);
    expect(await db().select({ n: count() }).from(clientRelationships)).toEqual(relationshipsBefore);
    expect(await db().select().from(clients).where(eq(clients.firstName, 'Osittainen'))).toHaveLength(0);
  });

  it('when the access log cannot be written, createClient leaves no client and no relationship', async () => {
    const hetu = await freshHetu();
    const before = await writeFootprint();
    failTransactionalAuditWrites = true;
    const result = await createClient('sw-child', { firstName: 'Loki', lastName: 'Rikki', personalIdentityCode: hetu, unitId: UNITS.child });
    failTransactionalAuditWrites = false;
    expect(result.data).toBeNull();
    expect(codesOf(result)).toHaveLength(1);
    expect(await writeFootprint()).toEqual(before);
    expect(await db().select().from(clients).where(eq(clients.personalIdentityCode, hetu))).toHaveLength(0);

    // The same write goes through once the log is back.
    const retry = await createClient('sw-child', { firstName: 'Loki', lastName: 'Rikki', personalIdentityCode: hetu, unitId: UNITS.child });
    expect(retry.errors).toBeUndefined();
    expect(await db().select().from(clients).where(eq(clients.personalIdentityCode, hetu))).toHaveLength(1);
  });

  it('when the access log cannot be written, correctDocument keeps the document at its revision', async () => {
    const recorded = await recordDocument('sw-child', { body: 'Ennen lokivikaa.' });
    const before = await writeFootprint();
    failTransactionalAuditWrites = true;
    const result = await correctDocument('sw-child', recorded.id, 1, { title: 'T', body: 'Lokivian aikana.', reason: 'Testi' });
    failTransactionalAuditWrites = false;
    expect(result.data).toBeNull();
    expect(codesOf(result)).toHaveLength(1);
    expect(await writeFootprint()).toEqual(before);
    const [row] = await db().select().from(documents).where(eq(documents.id, recorded.id));
    expect(row).toMatchObject({ body: 'Ennen lokivikaa.', currentRevision: 1 });
  });

  it('when the access log cannot be written, recordDecision and updateClient write nothing', async () => {
    const client = await newChildWelfareClient();
    const before = await writeFootprint();
    failTransactionalAuditWrites = true;
    const decision = await t.execute({ as: 'sw-child', query: RECORD_DECISION, variables: { input: decisionInput({ clientId: client.id }) } });
    const update = await t.execute({
      as: 'sw-child',
      query: UPDATE_CLIENT,
      variables: { id: client.id, version: client.version, input: { municipality: 'Kangasala' } },
    });
    failTransactionalAuditWrites = false;
    expect(codesOf(decision)).toHaveLength(1);
    expect(codesOf(update)).toHaveLength(1);
    expect(await writeFootprint()).toEqual(before);
    const [row] = await db().select().from(clients).where(eq(clients.id, client.id));
    expect(row).toMatchObject({ version: client.version, municipality: 'Tampere' });
  });
});

describe('refused writes in the access log', () => {
  it('logs a refused write attempt with outcome DENIED (DESIGN §5: "Denied attempts are logged too")', async () => {
    const studentId = USERS['student-child'].id;
    const refused = () =>
      db()
        .select()
        .from(entries)
        .where(and(eq(entries.actorId, studentId), eq(entries.outcome, 'DENIED'), ne(entries.action, 'READ')));
    const before = await refused();
    const result = await createClient('student-child', { firstName: 'Ei', lastName: 'Lupaa', unitId: UNITS.child });
    expect(codesOf(result)).toEqual(['FORBIDDEN']);
    const after = await refused();
    expect(after).toHaveLength(before.length + 1);
    expect(after.at(-1)).toMatchObject({ action: 'CREATE', entityType: 'Client', actorRole: 'STUDENT', unitId: UNITS.child });
  });
});

// ------------------------------------------------------------------------------------------------
// Regression: endRelationship used to read the client through the request's loader (outside its own
// transaction) while holding the transaction, which deadlocked PGlite's single connection. Keep this
// block last: should it regress, the database stays locked for the rest of the file.
// ------------------------------------------------------------------------------------------------

describe('endRelationship on its own', () => {
  it('answers within seconds instead of deadlocking the embedded database', async () => {
    const client = await newChildWelfareClient({ startedOn: daysAgo(30) });
    const relationshipId = client.relationships[0]!.id;
    const token = await t.tokenFor('sw-child');
    let body: { data?: { endRelationship?: { endedOn: string } }; errors?: unknown[] };
    try {
      const res = await t
        .gateway()
        .post('/graphql')
        .set('content-type', 'application/json')
        .set('authorization', `Bearer ${token}`)
        .timeout(5_000)
        .send({ query: END_RELATIONSHIP, variables: { id: relationshipId, endedOn: daysAgo(1) } });
      body = res.body;
    } catch (error) {
      databaseDeadlocked = true;
      throw error;
    }
    expect(body.errors).toBeUndefined();
    expect(body.data?.endRelationship?.endedOn).toBe(daysAgo(1));
  });
});
