import { DEMO, DEMO_PARTNER_TOKEN_ID, type Database, entries, Random, seedDemoWorld, type SingleGrantLogin } from '@vartija/db';
import { type AuditEntryInput, auditCopyLine, type ChainedEntry, chainHash, GENESIS_HASH, rowsOf, verifyChain, verifyChainEnd } from '@vartija/kit';
import { and, asc, gte, lte, sql } from 'drizzle-orm';
import { PARTNER_OPERATION_ID } from './scenarios';

/**
 * The benchmark world: the demo world of DESIGN.md §7, then bulk-extended with set-based SQL
 * (INSERT … SELECT generate_series) to ≥ 10,000 clients and ≥ 100,000 documents, and an access log
 * of ≥ 1,000,000 hash-chained entries. Deterministic: every id comes from md5 of a label, every
 * choice from the client's number or a seeded PRNG; only dates move with `now`, as in the demo seed.
 */

export interface WorldScale {
  /** Bulk clients added to the demo world's 305. */
  clients: number;
  /** Documents per bulk client (each with its original revision; every 20th corrected once). */
  documentsPerClient: number;
  /** Access-log entries appended to the chain. */
  auditEntries: number;
}

export const FULL_SCALE: WorldScale = { clients: 10_000, documentsPerClient: 10, auditEntries: 1_000_000 };

export function scaled(factor: number, auditFactor = factor): WorldScale {
  return {
    clients: Math.max(100, Math.round(FULL_SCALE.clients * factor)),
    documentsPerClient: FULL_SCALE.documentsPerClient,
    auditEntries: Math.max(1_000, Math.round(FULL_SCALE.auditEntries * auditFactor)),
  };
}

/** What the scenarios need to know about the world, read back from the database. */
export interface WorldFacts {
  counts: Record<string, number>;
  /** Open child-welfare bulk clients (sw-child sees them), each with documents, decisions and a placement. */
  clientPageIds: string[];
  /** Clients with many access-log entries, for clientAccessReport. */
  busyClientIds: string[];
  /** The actor and the UTC day for the actor-day auditEntries query. */
  actorDay: { actorId: string; from: string; to: string; entries: number };
  timings: Record<string, number>;
  chain: ChainCheck;
}

const U = DEMO.users;
const UNITS = DEMO.units;
const REGION = DEMO.organisations.region.id;
const MAJAKKA = DEMO.organisations.majakka.id;

/** Clients 0..N-1 of the bulk; unit by n % 10: 0–3 child welfare, 4–6 family services, 7–9 adult services. */
const id = (kind: string, expr: string) => `md5('vartija-bench/${kind}/' || ${expr})::uuid`;

function bulkSql(scale: WorldScale): string[] {
  const n = scale.clients;
  const d = scale.documentsPerClient;
  const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
  const arr = (xs: readonly string[]) => `ARRAY[${xs.map(lit).join(',')}]`;
  const females = arr(['Aino', 'Eevi', 'Emma', 'Helmi', 'Iida', 'Kerttu', 'Lilja', 'Maija', 'Sofia', 'Venla', 'Saana', 'Laura', 'Satu', 'Noora', 'Ebba', 'Amina']);
  const males = arr(['Eino', 'Elias', 'Onni', 'Leo', 'Väinö', 'Eetu', 'Niilo', 'Joona', 'Otto', 'Juho', 'Mikko', 'Antti', 'Ville', 'Lauri', 'Axel', 'Ahmed']);
  const lasts = arr([
    'Korhonen', 'Virtanen', 'Mäkinen', 'Nieminen', 'Mäkelä', 'Hämäläinen', 'Laine', 'Heikkinen', 'Koskinen', 'Järvinen',
    'Lehtonen', 'Lehtinen', 'Saarinen', 'Salminen', 'Heinonen', 'Niemi', 'Heikkilä', 'Kinnunen', 'Salonen', 'Turunen',
    'Salo', 'Laitinen', 'Tuominen', 'Rantanen', 'Karjalainen', 'Jokinen', 'Mattila', 'Savolainen', 'Lahtinen', 'Ahonen',
    'Lindholm', 'Nyström', 'Sjöberg', 'Tamm', 'Saar', 'Hassan', 'Warsame',
  ]);
  const municipalities = arr(['Tampere', 'Nokia', 'Ylöjärvi', 'Kangasala', 'Lempäälä', 'Pirkkala', 'Valkeakoski']);
  const postOffices = arr(['TAMPERE', 'NOKIA', 'YLÖJÄRVI', 'KANGASALA', 'LEMPÄÄLÄ', 'PIRKKALA', 'VALKEAKOSKI']);
  const postalCodes = arr(['33100', '37100', '33470', '36200', '37500', '33950', '37600']);
  const streets = arr(['Koivukuja', 'Rantatie', 'Kirkkokatu', 'Myllytie', 'Pihlajapolku', 'Kalevankatu', 'Harjutie', 'Koulukatu', 'Mäntyrinne', 'Puistotie']);
  const unitOf = (x: string) =>
    `(CASE WHEN ${x} % 10 < 4 THEN ${lit(UNITS['child-welfare'].id)} WHEN ${x} % 10 < 7 THEN ${lit(UNITS['family-services'].id)} ELSE ${lit(UNITS['adult-services'].id)} END)::uuid`;
  const taskOf = (x: string) =>
    `(CASE WHEN ${x} % 10 < 4 THEN 'CHILD_WELFARE' WHEN ${x} % 10 < 7 THEN 'FAMILY_SERVICES' ELSE 'ADULT_SOCIAL_WORK' END)::clients.service_task`;
  const workerOf = (x: string) =>
    `(CASE WHEN ${x} % 10 < 4 THEN (CASE WHEN ${x} % 5 = 0 THEN ${lit(U['sw-child-2'].id)} ELSE ${lit(U['sw-child'].id)} END) WHEN ${x} % 10 < 7 THEN ${lit(U['sw-family'].id)} ELSE ${lit(U['sw-adult'].id)} END)::uuid`;
  // Births: children (child welfare) 3–17 years, families' clients adults of 25–50, adults 18–75.
  const dob = (x: string) =>
    `(CASE WHEN ${x} % 10 < 4 THEN (current_date - interval '17 years')::date + ((${x} / 100) * 47 % 5000)
           WHEN ${x} % 10 < 7 THEN (current_date - interval '50 years')::date + ((${x} / 100) * 47 % 9000)
           ELSE (current_date - interval '75 years')::date + ((${x} / 100) * 47 % 20000) END)`;
  // Henkilötunnus with a valid check character; individual numbers 900–999 (test persons only);
  // (birth date, individual number) is unique per n, see dob above.
  const pic = (x: string) => `(to_char(${dob(x)}, 'DDMMYY') || CASE WHEN ${dob(x)} >= date '2000-01-01' THEN 'A' ELSE '-' END
      || (900 + ${x} % 100)::text
      || substr('0123456789ABCDEFHJKLMNPRSTUVWXY', ((to_char(${dob(x)}, 'DDMMYY') || (900 + ${x} % 100)::text)::bigint % 31)::int + 1, 1))`;
  const ended = (x: string) => `(CASE WHEN ${x} % 20 = 10 THEN current_date - 100 WHEN ${x} % 50 = 11 THEN current_date - 600 ELSE NULL END)`;

  return [
    `CREATE TEMP TABLE bench_n AS
       SELECT g.n FROM generate_series(0, ${n + 199}) AS g(n)
        WHERE NOT EXISTS (SELECT 1 FROM clients.clients c WHERE c.personal_identity_code = ${pic('g.n')})
        ORDER BY g.n LIMIT ${n}`,
    `INSERT INTO clients.clients (id, organisation_id, first_name, last_name, personal_identity_code, date_of_birth, municipality,
        street_address, postal_code, post_office, phone, email, mother_tongue, service_language, nationality, marital_status,
        address_non_disclosure, created_at, updated_at)
     SELECT ${id('client', 'n')}, ${lit(REGION)}::uuid,
            CASE WHEN n % 2 = 1 THEN (${males})[1 + (n / 2) % 16] ELSE (${females})[1 + (n / 2) % 16] END,
            (${lasts})[1 + (n * 7) % 37], ${pic('n')}, ${dob('n')},
            (${municipalities})[1 + n % 7], (${streets})[1 + (n / 7) % 10] || ' ' || (1 + n % 60), (${postalCodes})[1 + n % 7],
            (${postOffices})[1 + n % 7], '+358 40 ' || lpad((n % 1000)::text, 3, '0') || ' ' || lpad((n % 9973)::text, 4, '0'),
            CASE WHEN n % 3 = 0 THEN 'bench' || n || '@example.invalid' END, CASE WHEN n % 12 = 0 THEN 'sv' ELSE 'fi' END,
            CASE WHEN n % 12 = 0 THEN 'sv' ELSE 'fi' END, 'FI',
            CASE WHEN n % 10 < 4 THEN 'UNMARRIED' ELSE (ARRAY['UNMARRIED','MARRIED','DIVORCED','WIDOWED'])[1 + n % 4] END,
            n % 40 = 7, now() - interval '3 years', now() - interval '3 years'
       FROM bench_n`,
    `INSERT INTO clients.client_relationships (id, client_id, unit_id, service_task, started_on, ended_on, responsible_worker_id, created_at)
     SELECT ${id('relationship', 'n')}, ${id('client', 'n')}, ${unitOf('n')}, ${taskOf('n')},
            current_date - (700 + (n * 13) % 1500), ${ended('n')}, ${workerOf('n')}, now() - interval '3 years'
       FROM bench_n`,
    // Some child-welfare clients are served by family services too.
    `INSERT INTO clients.client_relationships (id, client_id, unit_id, service_task, started_on, responsible_worker_id, created_at)
     SELECT ${id('relationship-2', 'n')}, ${id('client', 'n')}, ${lit(UNITS['family-services'].id)}::uuid, 'FAMILY_SERVICES',
            current_date - (200 + n % 300), ${lit(U['sw-family'].id)}::uuid, now() - interval '1 year'
       FROM bench_n WHERE n % 10 < 4 AND n % 25 = 3`,
    `INSERT INTO clients.guardians (id, client_id, kind, first_name, last_name, has_custody, phone, street_address, postal_code, post_office)
     SELECT ${id('guardian', "n || '/' || g")}, ${id('client', 'n')}, 'PARENT',
            CASE WHEN g = 1 THEN (${females})[1 + (n / 3) % 16] ELSE (${males})[1 + (n / 3) % 16] END,
            (${lasts})[1 + (n * 7) % 37], n % 7 <> 0 OR g = 1, '+358 50 ' || lpad(((n * g) % 1000)::text, 3, '0') || ' ' || lpad((n % 7919)::text, 4, '0'),
            (${streets})[1 + (n / 7) % 10] || ' ' || (1 + n % 60), (${postalCodes})[1 + n % 7], (${postOffices})[1 + n % 7]
       FROM bench_n, generate_series(1, 2) AS g WHERE n % 10 < 7`,
    // Two decisions per client, recorded in its unit by its responsible worker.
    `INSERT INTO services.decisions (id, client_id, unit_id, type, legal_act, legal_section, decided_at, decision_maker_id, content, created_at)
     SELECT ${id('decision', "n || '/' || k")}, ${id('client', 'n')}, ${unitOf('n')},
            (CASE WHEN n % 10 < 4 THEN (ARRAY['OPEN_CARE_SUPPORT','TAKING_INTO_CARE','SUBSTITUTE_CARE','AFTERCARE'])[1 + (n + k) % 4]
                  ELSE (ARRAY['FAMILY_WORK','SOCIAL_SERVICE'])[1 + (n + k) % 2] END)::services.decision_type,
            CASE WHEN n % 10 < 4 THEN 'Lastensuojelulaki 417/2007' ELSE 'Sosiaalihuoltolaki 1301/2014' END,
            CASE WHEN n % 10 < 4 THEN (ARRAY['34 §','38 §','40 §','75 §'])[1 + (n + k) % 4] ELSE (ARRAY['18 §','19 §','36 §'])[1 + (n + k) % 3] END,
            now() - make_interval(days => 30 + (n * 7 + k * 97) % 600), ${workerOf('n')},
            'Päätös sosiaalihuollon palvelusta. Perustelut asiakassuunnitelmassa.', now() - make_interval(days => 30 + (n * 7 + k * 97) % 600)
       FROM bench_n, generate_series(1, 2) AS k`,
    `INSERT INTO services.placements (id, client_id, unit_id, decision_id, kind, provider_name, starts_on, ends_on, created_at)
     SELECT ${id('placement', 'n')}, ${id('client', 'n')}, ${unitOf('n')}, ${id('decision', "n || '/1'")},
            (ARRAY['FAMILY_CARE','INSTITUTIONAL_CARE','PROFESSIONAL_FAMILY_HOME','OPEN_CARE_SUPPORT','KINSHIP_CARE'])[1 + n % 5]::services.placement_kind,
            (ARRAY['Perhekoti Kotipesä','Lastenkoti Tammikoti','Ammatillinen perhekoti Koivula','Tukiperhe','Sukulaissijoitus'])[1 + n % 5],
            current_date - (20 + n % 300), CASE WHEN n % 9 = 0 THEN current_date - 5 ELSE NULL END, now() - interval '1 year'
       FROM bench_n WHERE n % 10 < 4 AND n % 3 = 0`,
    `INSERT INTO documents.documents (id, client_id, unit_id, relationship_id, author_id, author_organisation_id, type, title, body,
        recorded_at, current_revision, updated_at)
     SELECT ${id('document', "n || '/' || i")}, ${id('client', 'n')}, ${unitOf('n')}, ${id('relationship', 'n')}, ${workerOf('n')}, ${lit(REGION)}::uuid,
            (CASE WHEN n % 10 < 4 THEN (ARRAY['CASE_NOTE','CASE_NOTE','CASE_NOTE','CLIENT_PLAN','NEEDS_ASSESSMENT','MEETING_MEMO','STATEMENT','CHILD_WELFARE_NOTIFICATION','CASE_NOTE','MEETING_MEMO'])[1 + (n + i) % 10]
                  ELSE (ARRAY['CASE_NOTE','CASE_NOTE','CASE_NOTE','CLIENT_PLAN','NEEDS_ASSESSMENT','MEETING_MEMO','CASE_NOTE'])[1 + (n + i) % 7] END)::documents.document_type,
            (ARRAY['Kotikäynti','Tapaaminen toimistolla','Puhelinkeskustelu','Verkostotapaaminen','Asiakassuunnitelma'])[1 + (n + i) % 5] || ' ' || i,
            'Asiakas tavattiin sovitusti. Tilanne on pääosin vakaa; seuraava tapaaminen sovittiin kuukauden päähän. (' || n || '/' || i || ')',
            LEAST(now(), coalesce(${ended('n')}::timestamptz, now())) - make_interval(days => 1 + i * 30 + n % 29, hours => n % 8),
            CASE WHEN (n + i) % 20 = 0 THEN 2 ELSE 1 END,
            LEAST(now(), coalesce(${ended('n')}::timestamptz, now())) - make_interval(days => 1 + i * 30 + n % 29, hours => n % 8)
       FROM bench_n, generate_series(1, ${d}) AS i`,
    `INSERT INTO documents.document_revisions (id, document_id, revision, title, body, author_id, reason, created_at)
     SELECT ${id('revision', "d.id || '/1'")}, d.id, 1, d.title, d.body, d.author_id, NULL, d.recorded_at
       FROM documents.documents d WHERE NOT EXISTS (SELECT 1 FROM documents.document_revisions r WHERE r.document_id = d.id)`,
    `INSERT INTO documents.document_revisions (id, document_id, revision, title, body, author_id, reason, created_at)
     SELECT ${id('revision', "d.id || '/2'")}, d.id, 2, d.title || ' (korjattu)', d.body || ' Päivämäärä korjattu.', d.author_id,
            'Korjattu virheellinen päivämäärä.', d.recorded_at + interval '1 day'
       FROM documents.documents d
      WHERE d.current_revision = 2 AND NOT EXISTS (SELECT 1 FROM documents.document_revisions r WHERE r.document_id = d.id AND r.revision = 2)`,
    // Commissions to the partner organisation majakka: every 40th open child-welfare client, each with
    // a decision, a placement with majakka as provider and two REPORTs written by majakka.
    `CREATE TEMP TABLE bench_commissioned AS SELECT n FROM bench_n WHERE n % 40 = 0 AND ${ended('n')} IS NULL`,
    `INSERT INTO clients.commissions (id, client_id, commissioner_unit_id, partner_organisation_id, kind, starts_on, ends_on)
     SELECT ${id('commission', 'n')}, ${id('client', 'n')}, ${lit(UNITS['child-welfare'].id)}::uuid, ${lit(MAJAKKA)}::uuid, 'PLACEMENT',
            current_date - (30 + n % 300), NULL
       FROM bench_commissioned`,
    `INSERT INTO services.decisions (id, client_id, unit_id, commission_id, type, legal_act, legal_section, decided_at, decision_maker_id, content)
     SELECT ${id('commission-decision', 'n')}, ${id('client', 'n')}, ${lit(UNITS['child-welfare'].id)}::uuid, ${id('commission', 'n')},
            'SUBSTITUTE_CARE', 'Lastensuojelulaki 417/2007', '49 §', now() - make_interval(days => 31 + n % 300), ${lit(U['sw-child'].id)}::uuid,
            'Sijaishuolto perhekoti Majakassa.'
       FROM bench_commissioned`,
    `INSERT INTO services.placements (id, client_id, unit_id, commission_id, decision_id, kind, provider_organisation_id, provider_name, starts_on)
     SELECT ${id('commission-placement', 'n')}, ${id('client', 'n')}, ${lit(UNITS['child-welfare'].id)}::uuid, ${id('commission', 'n')},
            ${id('commission-decision', 'n')}, 'PROFESSIONAL_FAMILY_HOME', ${lit(MAJAKKA)}::uuid, 'Perhekoti Majakka', current_date - (30 + n % 300)
       FROM bench_commissioned`,
    `INSERT INTO documents.documents (id, client_id, unit_id, commission_id, author_id, author_organisation_id, type, title, body, recorded_at, updated_at)
     SELECT ${id('commission-report', "n || '/' || r")}, ${id('client', 'n')}, ${lit(UNITS['child-welfare'].id)}::uuid, ${id('commission', 'n')}, NULL,
            ${lit(MAJAKKA)}::uuid, 'REPORT', 'Kuukausiraportti ' || r, 'Lapsi on asettunut hyvin. Koulunkäynti sujuu.',
            now() - make_interval(days => r * 14), now() - make_interval(days => r * 14)
       FROM bench_commissioned, generate_series(1, 2) AS r`,
    `INSERT INTO documents.document_revisions (id, document_id, revision, title, body, reason, created_at)
     SELECT ${id('revision', "d.id || '/1'")}, d.id, 1, d.title, d.body, NULL, d.recorded_at
       FROM documents.documents d WHERE d.author_organisation_id = ${lit(MAJAKKA)}::uuid
        AND NOT EXISTS (SELECT 1 FROM documents.document_revisions r WHERE r.document_id = d.id)`,
    // The demo partner token runs only the benchmark's persisted operation (registered through the
    // gateway before the run) and may run more than 600 requests a minute here: the benchmark measures
    // the gateway, not the rate limiter (which still runs on every partner request).
    `UPDATE access.api_tokens SET rate_limit_per_minute = 100000000, allowed_operations = ARRAY[${lit(PARTNER_OPERATION_ID)}]
      WHERE id = ${lit(DEMO_PARTNER_TOKEN_ID)}::uuid`,
    `DROP TABLE bench_commissioned`,
    `DROP TABLE bench_n`,
  ];
}

// ---------------------------------------------------------------------------------------------
// The access log: generated in Node, hashed with the product's chainHash, loaded with COPY (AUDIT_COPY)
// ---------------------------------------------------------------------------------------------

interface ActorSpec {
  id: string;
  kind: 'USER' | 'PARTNER';
  role: string;
  unitId: string | null;
  organisationId: string;
  purpose: string;
  weight: number;
}

function logActors(): ActorSpec[] {
  const staff = (login: SingleGrantLogin, weight: number, purpose = 'CLIENT_WORK'): ActorSpec => {
    const u = U[login];
    return { id: u.id, kind: 'USER', role: u.role, unitId: u.unit ? UNITS[u.unit].id : null, organisationId: REGION, purpose, weight };
  };
  const actors: ActorSpec[] = [
    staff('sw-child', 6),
    staff('sw-child-2', 3),
    staff('mgr-child', 2),
    staff('sw-family', 5),
    staff('sw-adult', 5),
    staff('student-child', 1),
    staff('billing', 2, 'BILLING'),
    staff('dpo', 0.5, 'LOG_MONITORING'),
    { id: DEMO_PARTNER_TOKEN_ID, kind: 'PARTNER', role: 'PARTNER', unitId: null, organisationId: MAJAKKA, purpose: 'COMMISSIONED_SERVICE', weight: 1 },
  ];
  // Colleagues who are not personas: the log's other 60 staff members.
  const unitIds = [UNITS['child-welfare'].id, UNITS['family-services'].id, UNITS['adult-services'].id];
  const rng = new Random('vartija-bench/log-actors');
  for (let i = 0; i < 60; i += 1) {
    actors.push({
      id: uuidFrom(rng),
      kind: 'USER',
      role: i % 10 === 0 ? 'MANAGER' : 'SOCIAL_WORKER',
      unitId: unitIds[i % 3]!,
      organisationId: REGION,
      purpose: 'CLIENT_WORK',
      weight: 74.5 / 60,
    });
  }
  return actors;
}

function uuidFrom(rng: Random): string {
  const hex = (n: number) => Math.floor(rng.float() * 2 ** 32).toString(16).padStart(8, '0').slice(0, n);
  return `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(8)}${hex(4)}`;
}

const ENTITY_KINDS = [
  { entityType: 'Client', subgraph: 'clients', fields: ['displayName', 'personalIdentityCode'], categories: ['IDENTITY', 'PERSONAL_ID'], weight: 30 },
  { entityType: 'Client', subgraph: 'clients', fields: ['address', 'displayName', 'phone'], categories: ['CONTACT', 'IDENTITY'], weight: 15 },
  { entityType: 'ClientRelationship', subgraph: 'clients', fields: ['endedOn', 'serviceTask', 'startedOn', 'unit'], categories: ['WELFARE'], weight: 10 },
  { entityType: 'Document', subgraph: 'documents', fields: ['revision', 'title', 'type'], categories: ['CASE_RECORD'], weight: 25 },
  { entityType: 'Decision', subgraph: 'services', fields: ['decidedAt', 'legalAct', 'legalSection', 'type'], categories: ['WELFARE'], weight: 12 },
  { entityType: 'Placement', subgraph: 'services', fields: ['endsOn', 'kind', 'providerName', 'startsOn'], categories: ['WELFARE'], weight: 8 },
] as const;

function pickWeighted<T extends { weight: number }>(items: readonly T[], total: number, r: number): T {
  let x = r * total;
  for (const item of items) {
    x -= item.weight;
    if (x < 0) return item;
  }
  return items[items.length - 1]!;
}

export interface LogPlan {
  total: number;
  startSeq: number;
  prevHash: string;
  clientIds: string[];
  busyClientIds: string[];
  /** Entries are spread evenly over [from, to). */
  from: number;
  to: number;
}

/**
 * Generates the log in chunks of COPY text, each entry chained to the one before with the
 * product's chainHash, so that verifyAuditChain accepts it. Returns the chain's new head.
 */
export async function generateLog(plan: LogPlan, sink: (chunk: string) => Promise<void>, chunkRows = 20_000): Promise<{ seq: number; hash: string; perActorDay: Map<string, number> }> {
  const actors = logActors();
  const actorTotal = actors.reduce((s, a) => s + a.weight, 0);
  const entityTotal = ENTITY_KINDS.reduce((s, e) => s + e.weight, 0);
  const rng = new Random('vartija-bench/log');
  const perActorDay = new Map<string, number>();
  let prevHash = plan.prevHash;
  let seq = plan.startSeq - 1;
  const span = plan.to - plan.from;
  let lines: string[] = [];
  let request = { id: '', actor: actors[0]!, clientId: '', left: 0, operation: null as string | null, emergency: false };
  for (let i = 0; i < plan.total; i += 1) {
    if (request.left === 0) {
      // One request touches 1–6 entities of one client (request × subgraph × entity, DESIGN.md §5).
      const actor = pickWeighted(actors, actorTotal, rng.float());
      const clientId = rng.float() < 0.02 ? plan.busyClientIds[rng.int(0, plan.busyClientIds.length - 1)]! : plan.clientIds[rng.int(0, plan.clientIds.length - 1)]!;
      request = {
        id: uuidFrom(rng),
        actor,
        clientId,
        left: rng.int(1, 6),
        operation: rng.float() < 0.5 ? 'ClientPage' : rng.float() < 0.5 ? 'ClientList' : null,
        emergency: rng.float() < 0.001,
      };
    }
    request.left -= 1;
    const kind = pickWeighted(ENTITY_KINDS, entityTotal, rng.float());
    const denied = rng.float() < 0.01;
    const roll = rng.float();
    const { actor } = request;
    const action = actor.kind === 'PARTNER' && !denied ? 'DISCLOSE' : roll < 0.03 ? 'UPDATE' : roll < 0.04 ? 'CREATE' : 'READ';
    seq += 1;
    const atMs = plan.from + Math.floor((i * span) / plan.total);
    const entry: AuditEntryInput = {
      at: new Date(atMs),
      requestId: request.id,
      operationName: request.operation,
      subgraph: kind.subgraph,
      actorKind: actor.kind,
      actorId: actor.id,
      actorRole: actor.role,
      organisationId: actor.organisationId,
      unitId: actor.unitId,
      clientId: request.clientId,
      entityType: kind.entityType,
      entityId: kind.entityType === 'Client' ? request.clientId : uuidFrom(rng),
      action,
      outcome: denied ? 'DENIED' : 'ALLOWED',
      fields: [...kind.fields],
      categories: [...kind.categories],
      purpose: actor.purpose,
      emergency: request.emergency,
      callerAddress: '127.0.0.1',
      reason: denied ? 'field not permitted' : null,
    };
    const hash = chainHash(prevHash, seq, entry);
    lines.push(auditCopyLine(entry, { seq, prevHash, hash }));
    prevHash = hash;
    const dayKey = `${actor.id}/${entry.at.toISOString().slice(0, 10)}`;
    perActorDay.set(dayKey, (perActorDay.get(dayKey) ?? 0) + 1);
    if (lines.length >= chunkRows) {
      await sink(`${lines.join('\n')}\n`);
      lines = [];
    }
  }
  if (lines.length > 0) await sink(`${lines.join('\n')}\n`);
  return { seq, hash: prevHash, perActorDay };
}

// ---------------------------------------------------------------------------------------------
// Seeding
// ---------------------------------------------------------------------------------------------

/** A raw connection for what drizzle does not do: COPY. PostgreSQL via postgres.js, PGlite via /dev/blob. */
export interface BulkLoader {
  copyAuditEntries(produce: (write: (chunk: string) => Promise<void>) => Promise<void>): Promise<void>;
}

/** 'empty' before the demo seed, 'seeded' when the bulk and the log are in; anything else is a half-seeded database. */
async function seedState(database: Database, scale: WorldScale): Promise<'empty' | 'seeded' | 'partial'> {
  const [row] = rowsOf<{ clients: number; seq: string | number }>(
    await database.db.execute(
      sql`SELECT (SELECT count(*)::int FROM clients.clients) AS clients, (SELECT seq FROM audit.chain_head WHERE id = 'main') AS seq`,
    ),
  );
  if (!row || row.clients === 0) return 'empty';
  return row.clients >= scale.clients && Number(row.seq) >= scale.auditEntries ? 'seeded' : 'partial';
}

export async function seedBenchWorld(
  database: Database,
  loader: BulkLoader,
  scale: WorldScale,
  log: (line: string) => void,
  now = new Date(),
): Promise<WorldFacts> {
  const timings: Record<string, number> = {};
  const timed = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    const result = await fn();
    timings[name] = Math.round(performance.now() - start) / 1000;
    log(`  ${name}: ${timings[name]} s`);
    return result;
  };
  const { db } = database;

  const state = await seedState(database, scale);
  if (state === 'partial') throw new Error('The benchmark database is half seeded (an earlier run stopped?): drop it or pick another BENCH_DB_NAME.');
  if (state === 'empty') {
    await timed('demo seed', () => seedDemoWorld(db, { now }));
    await timed('bulk clients, relationships, documents (SQL)', async () => {
      for (const statement of bulkSql(scale)) await db.execute(sql.raw(statement));
    });
    // VACUUM too: a register in use has been vacuumed (autovacuum), which index-only scans rely on.
    await timed('vacuum analyze', () => db.execute(sql`VACUUM ANALYZE`));

    const clientIds = rowsOf<{ id: string }>(await db.execute(sql`SELECT id::text AS id FROM clients.clients ORDER BY id`)).map((r) => r.id);
    const busyClientIds = await busyClients(database);
    const [head] = rowsOf<{ seq: string | number; hash: string }>(await db.execute(sql`SELECT seq, hash FROM audit.chain_head WHERE id = 'main'`));
    const startSeq = Number(head!.seq) + 1;
    const day = 86_400_000;
    // A year of history that ends an hour ago: the benchmark's own requests continue the chain after it.
    const to = now.getTime() - 3_600_000;
    const plan: LogPlan = { total: scale.auditEntries, startSeq, prevHash: head!.hash, clientIds, busyClientIds, from: to - 365 * day, to };
    let newHead = { seq: 0, hash: '' };
    await timed(`access log: ${scale.auditEntries.toLocaleString('en')} chained entries (generate + sha256 + COPY)`, () =>
      loader.copyAuditEntries(async (write) => {
        newHead = await generateLog(plan, write);
      }),
    );
    await timed('chain head update', () =>
      db.execute(sql`UPDATE audit.chain_head SET seq = ${newHead.seq}, hash = ${newHead.hash}, updated_at = now() WHERE id = 'main'`),
    );
    await timed('vacuum analyze audit.entries', () => db.execute(sql`VACUUM ANALYZE audit.entries`));
  } else {
    log('  world already seeded: reusing it');
  }

  const chain = await verifyChainRange(database, 1, log);
  const counts = await countRows(database);
  const clientPageIds = rowsOf<{ id: string }>(
    await db.execute(sql`
      SELECT c.id::text AS id FROM clients.clients c
        JOIN clients.client_relationships r ON r.client_id = c.id
       WHERE r.unit_id = ${UNITS['child-welfare'].id}::uuid AND r.ended_on IS NULL AND r.responsible_worker_id = ${U['sw-child'].id}::uuid
         AND NOT c.address_non_disclosure
         AND EXISTS (SELECT 1 FROM services.placements p WHERE p.client_id = c.id)
         AND (SELECT count(*) FROM documents.documents d WHERE d.client_id = c.id) >= 10
       ORDER BY md5(c.id::text) LIMIT 200`),
  ).map((r) => r.id);
  const busyClientIds = await busyClients(database);
  // The actor-day: sw-child's entries on the UTC day a week ago (a typical working day in the log).
  const dayStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - 7));
  const dayEnd = new Date(dayStart.getTime() + 86_400_000);
  const [actorDayCount] = rowsOf<{ n: number }>(
    await db.execute(
      sql`SELECT count(*)::int AS n FROM audit.entries WHERE actor_id = ${U['sw-child'].id} AND at >= ${dayStart.toISOString()}::timestamptz AND at < ${dayEnd.toISOString()}::timestamptz`,
    ),
  );
  return {
    counts,
    clientPageIds,
    busyClientIds,
    actorDay: { actorId: U['sw-child'].id, from: dayStart.toISOString(), to: dayEnd.toISOString(), entries: actorDayCount?.n ?? 0 },
    timings,
    chain,
  };
}

/** The 20 bulk clients that get 2% of the log between them (~1,000 entries each at full scale). */
async function busyClients(database: Database): Promise<string[]> {
  const wanted = Array.from({ length: 20 }, (_, k) => `md5('vartija-bench/client/' || ${41 + 40 * k})::uuid`);
  return rowsOf<{ id: string }>(
    await database.db.execute(sql.raw(`SELECT id::text AS id FROM clients.clients WHERE id IN (${wanted.join(',')}) ORDER BY id`)),
  ).map((r) => r.id);
}

export async function countRows(database: Database): Promise<Record<string, number>> {
  const tables = [
    'clients.clients',
    'clients.client_relationships',
    'clients.guardians',
    'clients.commissions',
    'services.decisions',
    'services.placements',
    'documents.documents',
    'documents.document_revisions',
    'audit.entries',
  ];
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const [row] = rowsOf<{ n: number }>(await database.db.execute(sql.raw(`SELECT count(*)::int AS n FROM ${table}`)));
    counts[table] = row?.n ?? 0;
  }
  return counts;
}

/** The outcome of re-verifying (part of) the chain with the product's verifyChain. */
export interface ChainCheck {
  fromSeq: number;
  verifiedEntries: number;
  ok: boolean;
  reason: string | null;
  seconds: number;
  headSeq: number;
}

/**
 * Recomputes the chain with the product's verifyChain, page by page in seq order, from `fromSeq`
 * (1 = genesis) to the head, and checks that the head matches the last entry: the bulk-loaded log
 * and the entries the run appended must be as valid as any written by DbAuditSink.
 */
export async function verifyChainRange(database: Database, fromSeq: number, log: (line: string) => void): Promise<ChainCheck> {
  const start = performance.now();
  const { db } = database;
  const [head] = rowsOf<{ seq: string | number; hash: string }>(await db.execute(sql`SELECT seq, hash FROM audit.chain_head WHERE id = 'main'`));
  const headSeq = Number(head!.seq);
  let expectedPrev: string | null = GENESIS_HASH;
  if (fromSeq > 1) {
    const [previous] = rowsOf<{ hash: string }>(await db.execute(sql`SELECT hash FROM audit.entries WHERE seq = ${fromSeq - 1}`));
    expectedPrev = previous?.hash ?? null;
  }
  const page = 25_000;
  let state = { nextSeq: fromSeq, lastHash: expectedPrev };
  let checked = 0;
  let result: { ok: boolean; reason: string | null } = { ok: true, reason: null };
  for (let lo = fromSeq; lo <= headSeq; lo += page) {
    const rows = (await db
      .select()
      .from(entries)
      .where(and(gte(entries.seq, lo), lte(entries.seq, Math.min(headSeq, lo + page - 1))))
      .orderBy(asc(entries.seq))) as ChainedEntry[];
    const verified = verifyChain(rows, state.lastHash, state.nextSeq);
    checked += verified.checkedEntries;
    if (!verified.ok) {
      result = { ok: false, reason: verified.reason };
      break;
    }
    state = { nextSeq: verified.nextSeq, lastHash: verified.lastHash };
  }
  if (result.ok && headSeq >= fromSeq) {
    const end = verifyChainEnd(state, headSeq, head!.hash);
    result = { ok: end.ok, reason: end.reason };
  }
  const seconds = Math.round(performance.now() - start) / 1000;
  log(
    `  hash chain verified from ${fromSeq === 1 ? 'genesis' : `seq ${fromSeq}`} to the head (${checked.toLocaleString('en')} entries): ${result.ok ? 'ok' : `BROKEN: ${result.reason}`} in ${seconds} s`,
  );
  return { fromSeq, verifiedEntries: checked, ok: result.ok, reason: result.reason, seconds, headSeq };
}
