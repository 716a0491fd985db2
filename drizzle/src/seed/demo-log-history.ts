import type { Queryable } from '../client';
import type { DemoWorldRows, SingleGrantLogin } from './demo-world';
import { DEMO } from './demo-world';
import { DEMO_PARTNER_TOKEN_ID } from './partner-token';
import { Random, seedUuid } from './random';

/**
 * A few weeks of plausible access-log history for the demo world (issue 15 item 4), so that the
 * auditor's console is not empty on first start: the personas' everyday work on weekdays in office
 * hours, plus one anomaly for each review queue (DEMO_LOG_ANOMALIES). Deterministic for a given `now`.
 *
 * The entries are handed to the product's own chained sink (the kit's DbAuditSink, passed in by the
 * caller: this package cannot depend on the kit), so they are hashed, numbered and inserted exactly as
 * the services' entries are, and verifyAuditChain verifies them.
 */

/** How many Finnish calendar days back the history reaches (it ends the day before `now`). */
export const LOG_HISTORY_DAYS = 28;
const HISTORY_SEED = 'vartija-demo-log-history/v1';

/** One entry as the kit's AuditEntryInput (structurally the same: the sink takes these). */
export interface DemoAuditEntry {
  at: Date;
  requestId: string;
  operationName: string | null;
  subgraph: string;
  actorKind: 'USER' | 'PARTNER' | 'SYSTEM';
  actorId: string;
  actorRole: string | null;
  organisationId: string | null;
  unitId: string | null;
  clientId: string | null;
  entityType: string;
  entityId: string | null;
  action: 'READ' | 'CREATE' | 'UPDATE' | 'DELETE' | 'PRINT' | 'EXPORT' | 'DISCLOSE';
  outcome: 'ALLOWED' | 'DENIED';
  fields: string[];
  categories: string[];
  purpose: string | null;
  emergency: boolean;
  callerAddress: string | null;
  reason: string | null;
}

/** The chained writer of the access log (kit DbAuditSink): numbers, hashes and appends a batch. */
export interface AuditHistorySink {
  write(batch: DemoAuditEntry[], via?: Queryable): Promise<void>;
}

/** The anomalies the review queues must find, by who, whom and which Finnish day (relative to `now`). */
export interface DemoLogAnomalies {
  /** EMERGENCY: sw-child's break-glass access to a client on its caseload, in office hours. */
  emergency: { login: 'sw-child'; clientId: string; day: string };
  /** OUTSIDE_CASELOAD: sw-child reads a child-welfare client whose responsible worker is sw-child-2. */
  outsideCaseload: { login: 'sw-child'; clientId: string; day: string };
  /** OUTSIDE_WORKING_HOURS: sw-adult on a Saturday evening (22:10–22:40 Finnish time). */
  outsideWorkingHours: { login: 'sw-adult'; clientIds: string[]; day: string };
  /** DENIED: refused attempts (sw-adult on a child-welfare client; student-child on a restricted document). */
  denied: { login: SingleGrantLogin; clientId: string; day: string; entityType: string }[];
  /** HIGH_VOLUME: sw-family's one day far above its usual volume. */
  highVolume: { login: 'sw-family'; day: string; accesses: number };
}

const HELSINKI = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Helsinki',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

function helsinkiParts(instant: Date): Record<string, number> {
  return Object.fromEntries(HELSINKI.formatToParts(instant).filter((p) => p.type !== 'literal').map((p) => [p.type, Number(p.value)]));
}

/** The Finnish calendar day of an instant. */
function finnishDay(instant: Date): string {
  const p = helsinkiParts(instant);
  return `${p['year']}-${String(p['month']).padStart(2, '0')}-${String(p['day']).padStart(2, '0')}`;
}

/** The instant of a Finnish local time (EET/EEST) on a Finnish day. */
export function helsinkiTime(day: string, hour: number, minute: number, second = 0): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d, hour, minute, second);
  // The offset at (about) that moment: +2 in winter, +3 in summer.
  const p = helsinkiParts(new Date(wall - 2 * 3_600_000));
  const offset = (Date.UTC(p['year']!, p['month']! - 1, p['day']!, p['hour']!, p['minute']!, p['second']!) - (wall - 2 * 3_600_000)) / 3_600_000;
  return new Date(wall - offset * 3_600_000);
}

const addDays = (day: string, n: number): string => new Date(Date.parse(`${day}T12:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
/** 0 Sunday … 6 Saturday. */
const weekday = (day: string): number => new Date(`${day}T12:00:00Z`).getUTCDay();
const isWeekday = (day: string): boolean => weekday(day) >= 1 && weekday(day) <= 5;
/** The weekday `back` days before today, or the nearest weekday before it. */
function weekdayBack(today: string, back: number): string {
  let day = addDays(today, -back);
  while (!isWeekday(day)) day = addDays(day, -1);
  return day;
}

type Login = SingleGrantLogin;
// DEMO is read inside functions only: demo-world.ts imports this module.
const user = (login: Login) => DEMO.users[login];

/** Each persona's workstation address. */
const ADDRESSES: Partial<Record<Login, string>> = {
  'sw-child': '10.42.1.11',
  'sw-child-2': '10.42.1.12',
  'sw-family': '10.42.2.21',
  'sw-adult': '10.42.3.31',
  'mgr-child': '10.42.1.10',
  'student-child': '10.42.1.15',
  billing: '10.42.9.40',
  dpo: '10.42.9.50',
  admin: '10.42.9.60',
};

const CLIENT_FIELDS = {
  full: ['dateOfBirth', 'displayName', 'firstName', 'lastName', 'municipality', 'personalIdentityCode', 'phone'],
  // A student reads no identity codes or contact data; a non-disclosure client's contact data is its worker's only.
  student: ['displayName', 'firstName', 'lastName'],
  noContact: ['dateOfBirth', 'displayName', 'firstName', 'lastName', 'personalIdentityCode'],
} as const;
const CATEGORY: Record<string, string> = {
  dateOfBirth: 'PERSONAL_ID',
  personalIdentityCode: 'PERSONAL_ID',
  phone: 'CONTACT',
  municipality: 'CONTACT',
};
const categoriesOf = (fields: readonly string[], fallback: string) => [...new Set(fields.map((f) => CATEGORY[f] ?? fallback))].sort();

interface Request {
  at: Date;
  login: Login | 'majakka';
  operationName: string;
  purpose: string;
  emergency?: boolean;
}

/** Builds the history in log order (by time). Pure apart from `now`. */
export function buildDemoLogHistory(rows: DemoWorldRows, now: Date): { entries: DemoAuditEntry[]; anomalies: DemoLogAnomalies } {
  const rng = new Random(HISTORY_SEED);
  const today = finnishDay(now);
  const entries: DemoAuditEntry[] = [];
  let requests = 0;

  const unitOf = (login: Login) => {
    const u = user(login) as { unit: string | null };
    return u.unit === null ? null : DEMO.units[u.unit as keyof typeof DEMO.units].id;
  };
  const documentsOf = new Map<string, { id: string; type: string }[]>();
  for (const d of rows.documents) {
    const key = `${d.clientId}/${d.unitId}`;
    documentsOf.set(key, [...(documentsOf.get(key) ?? []), { id: d.id!, type: d.type }]);
  }
  const relationshipsOf = (clientId: string, unitId: string) => rows.clientRelationships.filter((r) => r.clientId === clientId && r.unitId === unitId);
  /** Open relationships in the unit whose responsible worker is the user: its caseload. */
  const caseload = (login: Login): string[] => {
    const unitId = unitOf(login);
    const id = user(login).id;
    return [...new Set(rows.clientRelationships.filter((r) => r.unitId === unitId && r.endedOn == null && r.responsibleWorkerId === id).map((r) => r.clientId))];
  };
  // The personas work for the demo region: its billing reads only its own clients' placements (never region-b's).
  const regionClients = new Set(rows.clients.filter((c) => c.organisationId === DEMO.organisations.region.id).map((c) => c.id));
  const regionPlacements = rows.placements.filter((p) => regionClients.has(p.clientId));
  const openInUnit = (unitId: string): string[] => [...new Set(rows.clientRelationships.filter((r) => r.unitId === unitId && r.endedOn == null).map((r) => r.clientId))];

  const push = (request: Request & { requestId: string }, subgraph: string, part: Partial<DemoAuditEntry> & Pick<DemoAuditEntry, 'entityType' | 'entityId' | 'clientId'>) => {
    const partner = request.login === 'majakka';
    const actor = partner ? null : user(request.login as Login);
    entries.push({
      at: request.at,
      requestId: request.requestId,
      operationName: request.operationName,
      subgraph,
      actorKind: partner ? 'PARTNER' : 'USER',
      actorId: partner ? DEMO_PARTNER_TOKEN_ID : actor!.id,
      actorRole: partner ? 'PARTNER' : actor!.role,
      organisationId: partner ? DEMO.organisations.majakka.id : DEMO.organisations.region.id,
      unitId: partner ? null : unitOf(request.login as Login),
      action: partner ? 'DISCLOSE' : 'READ',
      outcome: 'ALLOWED',
      fields: [],
      categories: [],
      purpose: request.purpose,
      emergency: request.emergency ?? false,
      callerAddress: partner ? '198.51.100.23' : (ADDRESSES[request.login as Login] ?? '10.42.0.2'),
      reason: null,
      ...part,
    });
  };
  const begin = (request: Request) => ({ ...request, requestId: seedUuid(`${HISTORY_SEED}/request/${(requests += 1)}`) });

  /** A client's page: the client, its relationship in the unit, a document and (for staff) a decision. */
  const clientPage = (request: Request, clientId: string, fields: readonly string[] = CLIENT_FIELDS.full) => {
    const r = begin(request);
    const login = request.login as Login;
    const unitId = unitOf(login)!;
    push(r, 'clients', { entityType: 'Client', entityId: clientId, clientId, fields: [...fields], categories: categoriesOf(fields, 'IDENTITY') });
    for (const rel of relationshipsOf(clientId, unitId).slice(0, 1)) {
      push(r, 'clients', { entityType: 'ClientRelationship', entityId: rel.id!, clientId, fields: ['serviceTask', 'startedOn', 'unit'], categories: ['WELFARE'] });
    }
    const documents = (documentsOf.get(`${clientId}/${unitId}`) ?? []).filter((d) => user(login).role !== 'STUDENT' || (d.type !== 'STATEMENT' && d.type !== 'CHILD_WELFARE_NOTIFICATION'));
    if (documents.length > 0) {
      const doc = rng.pick(documents);
      push(r, 'documents', { entityType: 'Document', entityId: doc.id, clientId, fields: ['body', 'recordedAt', 'title', 'type'], categories: ['CASE_RECORD'] });
    }
    return r;
  };

  const minuteIn = (fromHour: number, toHour: number) => rng.int(fromHour * 60, toHour * 60 - 1);
  const at = (day: string, minuteOfDay: number) => helsinkiTime(day, Math.floor(minuteOfDay / 60), minuteOfDay % 60, rng.int(0, 59));

  // --- Everyday work: weekdays, 08:00–16:00 Finnish time ----------------------------------------------
  const workers: { login: Login; perDay: [number, number] }[] = [
    { login: 'sw-child', perDay: [5, 9] },
    { login: 'sw-child-2', perDay: [4, 8] },
    { login: 'sw-family', perDay: [4, 8] },
    { login: 'sw-adult', perDay: [4, 8] },
  ];
  const highVolumeDay = weekdayBack(today, 6);
  let highVolumeAccesses = 0;
  for (let back = LOG_HISTORY_DAYS; back >= 1; back -= 1) {
    const day = addDays(today, -back);
    if (!isWeekday(day)) continue;
    for (const { login, perDay } of workers) {
      const mine = caseload(login);
      if (mine.length === 0) continue;
      const burst = login === 'sw-family' && day === highVolumeDay;
      const count = burst ? 48 : rng.int(...perDay);
      for (let i = 0; i < count; i += 1) {
        clientPage({ at: at(day, minuteIn(8, 16)), login, operationName: 'ClientPage', purpose: 'CLIENT_WORK' }, rng.pick(mine));
      }
      if (burst) highVolumeAccesses = count;
      // Now and then a case note is written.
      if (rng.chance(0.4)) {
        const r = begin({ at: at(day, minuteIn(9, 15)), login, operationName: 'RecordCaseNote', purpose: 'CLIENT_WORK' });
        const clientId = rng.pick(mine);
        push(r, 'documents', { entityType: 'Document', entityId: seedUuid(`${HISTORY_SEED}/note/${requests}`), clientId, action: 'CREATE', fields: ['body', 'title', 'type'], categories: ['CASE_RECORD'] });
      }
    }
    // The manager looks at the unit's clients; the student at the supervisor's (sw-child's) caseload.
    const childWelfare = openInUnit(DEMO.units['child-welfare'].id);
    for (let i = rng.int(2, 4); i > 0; i -= 1) {
      clientPage({ at: at(day, minuteIn(8, 16)), login: 'mgr-child', operationName: 'ClientPage', purpose: 'CLIENT_WORK' }, rng.pick(childWelfare));
    }
    const supervised = caseload('sw-child');
    for (let i = rng.int(2, 4); i > 0; i -= 1) {
      clientPage({ at: at(day, minuteIn(9, 15)), login: 'student-child', operationName: 'ClientPage', purpose: 'CLIENT_WORK' }, rng.pick(supervised), CLIENT_FIELDS.student);
    }
    // Billing: care days and invoices of placements.
    for (let i = rng.int(1, 3); i > 0; i -= 1) {
      const placement = rng.pick(regionPlacements);
      const r = begin({ at: at(day, minuteIn(8, 16)), login: 'billing', operationName: 'PlacementCosts', purpose: 'BILLING' });
      push(r, 'services', { entityType: 'Placement', entityId: placement.id!, clientId: placement.clientId, unitId: null, fields: ['kind', 'providerName', 'startsOn'], categories: ['WELFARE'] });
      const careDays = rows.careDays.filter((c) => c.placementId === placement.id);
      if (careDays.length > 0) {
        push(r, 'services', { entityType: 'CareDay', entityId: rng.pick(careDays).id!, clientId: placement.clientId, unitId: null, fields: ['costCents', 'day'], categories: ['FINANCIAL', 'WELFARE'] });
      }
    }
    // The partner's integration fetches its commissioned clients in the morning.
    const commissioned = DEMO.clients.majakkaActive;
    if (rng.chance(0.8)) {
      const r = begin({ at: at(day, minuteIn(7, 8)), login: 'majakka', operationName: 'CommissionedClients', purpose: 'COMMISSIONED_SERVICE' });
      for (const clientId of commissioned) {
        push(r, 'clients', { entityType: 'Client', entityId: clientId, clientId, fields: ['displayName', 'firstName', 'lastName'], categories: ['IDENTITY'] });
      }
    }
    // The data protection officer's routine log queries; the registrar's user administration.
    if (rng.chance(0.5)) {
      const r = begin({ at: at(day, minuteIn(10, 15)), login: 'dpo', operationName: 'AuditEntries', purpose: 'LOG_MONITORING' });
      push(r, 'audit', { entityType: 'AuditLog', entityId: 'auditEntries', clientId: null });
    }
    if (rng.chance(0.3)) {
      const r = begin({ at: at(day, minuteIn(9, 15)), login: 'admin', operationName: 'Users', purpose: 'REGISTER_ADMINISTRATION' });
      push(r, 'clients', { entityType: 'User', entityId: rng.pick(rows.users).id!, clientId: null });
    }
  }

  // --- The anomalies, one for each review queue ---------------------------------------------------------
  const emergencyDay = weekdayBack(today, 9);
  const emergencyClient = caseload('sw-child')[0]!;
  clientPage({ at: helsinkiTime(emergencyDay, 15, 20, 12), login: 'sw-child', operationName: 'ClientPage', purpose: 'EMERGENCY_PLACEMENT', emergency: true }, emergencyClient);

  const caseloadDay = weekdayBack(today, 4);
  const otherWorkers = DEMO.clients.childWelfareNonDisclosureOther;
  clientPage({ at: helsinkiTime(caseloadDay, 11, 5, 40), login: 'sw-child', operationName: 'ClientPage', purpose: 'CLIENT_WORK' }, otherWorkers, CLIENT_FIELDS.noContact);

  let saturday = addDays(today, -2);
  while (weekday(saturday) !== 6) saturday = addDays(saturday, -1);
  const evening = caseload('sw-adult').slice(0, 3);
  evening.forEach((clientId, i) => {
    clientPage({ at: helsinkiTime(saturday, 22, 10 + i * 12, 5), login: 'sw-adult', operationName: 'ClientPage', purpose: 'CLIENT_WORK' }, clientId);
  });

  const denied: DemoLogAnomalies['denied'] = [];
  const refuse = (login: Login, day: string, minuteOfDay: number, subgraph: string, part: Pick<DemoAuditEntry, 'entityType' | 'entityId' | 'clientId' | 'reason'> & Partial<DemoAuditEntry>) => {
    const r = begin({ at: at(day, minuteOfDay), login, operationName: 'ClientPage', purpose: 'CLIENT_WORK' });
    push(r, subgraph, { outcome: 'DENIED', ...part });
    denied.push({ login, clientId: part.clientId!, day, entityType: part.entityType });
  };
  const childOnly = DEMO.clients.childWelfareOpen;
  refuse('sw-adult', weekdayBack(today, 3), 10 * 60 + 42, 'clients', {
    entityType: 'Client',
    entityId: childOnly,
    clientId: childOnly,
    unitId: null,
    actorRole: null,
    reason: 'access not permitted: the client is not visible through any of your grants',
  });
  const restricted = rows.documents.find((d) => d.clientId === childOnly && (d.type === 'STATEMENT' || d.type === 'CHILD_WELFARE_NOTIFICATION'));
  if (restricted) {
    refuse('student-child', weekdayBack(today, 8), 13 * 60 + 17, 'documents', {
      entityType: 'Document',
      entityId: restricted.id!,
      clientId: childOnly,
      fields: ['body'],
      categories: ['CASE_RECORD'],
      reason: 'read of Document.body not permitted',
    });
  }

  entries.sort((a, b) => a.at.getTime() - b.at.getTime());
  return {
    entries,
    anomalies: {
      emergency: { login: 'sw-child', clientId: emergencyClient, day: emergencyDay },
      outsideCaseload: { login: 'sw-child', clientId: otherWorkers, day: caseloadDay },
      outsideWorkingHours: { login: 'sw-adult', clientIds: evening, day: saturday },
      denied,
      highVolume: { login: 'sw-family', day: highVolumeDay, accesses: highVolumeAccesses },
    },
  };
}

/** Entries per append: each is one chained INSERT through the sink. */
const BATCH = 500;

/** Appends the history through the chained sink, in log order, inside the caller's transaction. */
export async function seedDemoLogHistory(tx: Queryable, sink: AuditHistorySink, rows: DemoWorldRows, now: Date): Promise<DemoLogAnomalies> {
  const { entries, anomalies } = buildDemoLogHistory(rows, now);
  for (let i = 0; i < entries.length; i += BATCH) await sink.write(entries.slice(i, i + BATCH), tx);
  return anomalies;
}
