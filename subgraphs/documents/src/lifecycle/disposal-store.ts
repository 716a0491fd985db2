import { disposalRuns, type Queryable, RETENTION_RECORD_TYPES, type RetentionRecordType } from '@vartija/db';
import { type AuditEntityType, rowsOf } from '@vartija/kit';
import { desc, eq, type SQL, sql } from 'drizzle-orm';
import { ANONYMISED, anonymiseSetSql, DOCUMENT_REVISION_CLEARED, pristineSql, RECORD_REFERENCES, RECORD_SOURCES } from './disposal-records';
import type { GroupEdge, RecordGroup } from './retention-plan';

/** One record of a client as disposal sees it. */
export interface ClientRecord {
  id: string;
  recordType: RetentionRecordType;
  unitId: string | null;
  serviceTask: string | null;
  pristine: boolean;
}

/** A row removed or anonymised, for its access-log entry: `record` is the record it is (part of). */
export interface DisposedRow {
  entityType: AuditEntityType;
  entityId: string;
  record: ClientRecord;
  action: 'DELETE' | 'UPDATE';
  fields: readonly string[];
}

/** What disposal does to a record type of one client: these records go, these are anonymised. */
export interface DisposalTargets {
  delete: ClientRecord[];
  anonymise: ClientRecord[];
}

/** A uuid[] parameter as one text value (the same on postgres.js and PGlite). */
const uuidArray = (ids: readonly string[]) => sql`${`{${ids.join(',')}}`}::uuid[]`;

/** A data-subject request not yet decided (issue 12: RECEIVED, or EXTENDED by up to two months). */
export const UNDECIDED_REQUEST_STATUSES = ['RECEIVED', 'EXTENDED'] as const;
const UNDECIDED_LIST = UNDECIDED_REQUEST_STATUSES.map((s) => `'${s}'`).join(', ');

/** A record with a period (relationship, commission, placement) still in force at asOf: no end, or a later one. */
const inForce = (end: string, asOf: string) => sql`(${sql.raw(end)} IS NULL OR ${sql.raw(end)} > ${asOf}::date)`;

/**
 * The organisation's clients that anything could be due for at asOf: no undecided data-subject request (what is
 * asked for is not destroyed while the request is pending, EU 2016/679 12–15 art.; the client is kept whole until
 * it is decided), and a date of death or a service task whose relationships have all ended with no commission or
 * placement of that task still in force (one in force holds the task's records, as an open relationship does).
 * `clientId`: only that client. retention-plan.ts applies the same rules again to what this selects.
 */
function scopeSql(organisationId: string, asOf: string, clientId?: string): SQL {
  return sql`
    SELECT c.id FROM clients.clients c
     WHERE c.organisation_id = ${organisationId}::uuid ${clientId ? sql`AND c.id = ${clientId}::uuid` : sql``}
       AND NOT EXISTS (SELECT 1 FROM documents.data_subject_requests q WHERE q.client_id = c.id AND q.status::text IN (${sql.raw(UNDECIDED_LIST)}))
       AND (c.date_of_death IS NOT NULL OR EXISTS (
             SELECT 1 FROM clients.client_relationships r JOIN clients.units u ON u.id = r.unit_id
              WHERE r.client_id = c.id
                AND NOT EXISTS (SELECT 1 FROM clients.commissions m JOIN clients.units mu ON mu.id = m.commissioner_unit_id
                                 WHERE m.client_id = c.id AND mu.service_task = u.service_task AND ${inForce('m.ends_on', asOf)})
                AND NOT EXISTS (SELECT 1 FROM services.placements p JOIN clients.units pu ON pu.id = p.unit_id
                                 WHERE p.client_id = c.id AND pu.service_task = u.service_task AND ${inForce('p.ends_on', asOf)})
              GROUP BY u.service_task HAVING bool_and(NOT ${inForce('r.ended_on', asOf)})))`;
}

/**
 * The facts the plan's triggers need, per record type: the end of a period and whether one is still open
 * (relationships, commissions, placements), or whether a data-subject request is undecided.
 */
const FACTS: Partial<Record<RetentionRecordType, string>> = {
  RELATIONSHIP: 'x.ended_on, x.ended_on IS NULL',
  COMMISSION: 'x.ends_on, x.ends_on IS NULL',
  PLACEMENT: 'x.ends_on, x.ends_on IS NULL',
  DATA_SUBJECT_REQUEST: `NULL::date, x.status::text IN (${UNDECIDED_LIST})`,
};

/** Every record of the clients in `scope`: its type, unit, service task and the facts the triggers need. */
function recordsSql(): SQL {
  const selects = RETENTION_RECORD_TYPES.map((type) => {
    const source = RECORD_SOURCES[type];
    const table = sql.raw(`${source.table} x`);
    const pristine = pristineSql(source);
    if (type === 'CLIENT') {
      return sql`SELECT 'CLIENT'::text AS record_type, x.id, x.id AS client_id, NULL::uuid AS unit_id, NULL::text AS service_task,
                        (${pristine}) AS pristine, NULL::date AS ended_on, false AS open, x.date_of_death AS died_on
                   FROM ${table} WHERE x.id IN (SELECT id FROM scope)`;
    }
    const facts = sql.raw(FACTS[type] ?? 'NULL::date, false');
    if (!source.unit) {
      return sql`SELECT ${type}::text, x.id, x.client_id, NULL::uuid, NULL::text, (${pristine}), ${facts}, NULL::date
                   FROM ${table} WHERE x.client_id IN (SELECT id FROM scope)`;
    }
    return sql`SELECT ${type}::text, x.id, x.client_id, x.${sql.raw(source.unit)}, u.service_task::text, (${pristine}), ${facts}, NULL::date
                 FROM ${table} LEFT JOIN clients.units u ON u.id = x.${sql.raw(source.unit)}
                WHERE x.client_id IN (SELECT id FROM scope)`;
  });
  return sql.join(selects, sql` UNION ALL `);
}

/** Child group → parent group pairs of the clients in `scope` (RECORD_REFERENCES). */
function edgesSql(): SQL {
  const selects = RECORD_REFERENCES.map(({ child, column, parent }) => {
    const c = RECORD_SOURCES[child];
    const p = RECORD_SOURCES[parent];
    return sql`SELECT x.client_id, cu.service_task::text AS child_task, ${child}::text AS child_type, pu.service_task::text AS parent_task, ${parent}::text AS parent_type
                 FROM ${sql.raw(`${c.table} x`)} LEFT JOIN clients.units cu ON cu.id = x.${sql.raw(c.unit ?? 'id')}
                 JOIN ${sql.raw(`${p.table} p`)} ON p.id = x.${sql.raw(column)}
                 LEFT JOIN clients.units pu ON pu.id = p.${sql.raw(p.unit ?? 'id')}
                WHERE x.client_id IN (SELECT id FROM scope)`;
  });
  return sql.join(selects, sql` UNION ALL `);
}

interface GroupRow {
  client_id: string;
  service_task: string | null;
  record_type: RetentionRecordType;
  count: number;
  pristine: number;
  last_ended_on: string | null;
  any_open: boolean;
  died_on: string | null;
}
interface EdgeRow {
  client_id: string;
  child_task: string | null;
  child_type: RetentionRecordType;
  parent_task: string | null;
  parent_type: RetentionRecordType;
}
interface RecordRow {
  id: string;
  record_type: RetentionRecordType;
  unit_id: string | null;
  service_task: string | null;
  pristine: boolean;
  ended_on: string | null;
  open: boolean;
  died_on: string | null;
}

const toGroup = (r: GroupRow): RecordGroup => ({
  clientId: r.client_id,
  serviceTask: r.service_task,
  recordType: r.record_type,
  count: Number(r.count),
  pristine: Number(r.pristine),
  lastEndedOn: r.last_ended_on,
  anyOpen: Boolean(r.any_open),
  diedOn: r.died_on,
});

export type DisposalRunRow = typeof disposalRuns.$inferSelect;

/** SQL of disposal: the facts the plan needs (a few statements for a whole organisation), the removals, the runs. */
export class DisposalStore {
  constructor(private readonly db: Queryable) {}

  /** Record groups (client × service task × record type) of every client anything could be due for. One statement. */
  async groups(organisationId: string, asOf: string): Promise<RecordGroup[]> {
    const rows = rowsOf<GroupRow>(
      await this.db.execute(sql`
        WITH scope AS MATERIALIZED (${scopeSql(organisationId, asOf)}), records AS (${recordsSql()})
        SELECT client_id::text, service_task, record_type, count(*)::int AS count, (count(*) FILTER (WHERE pristine))::int AS pristine,
               to_char(max(ended_on), 'YYYY-MM-DD') AS last_ended_on, coalesce(bool_or(open), false) AS any_open,
               to_char(max(died_on), 'YYYY-MM-DD') AS died_on
          FROM records GROUP BY client_id, service_task, record_type`),
    );
    return rows.map(toGroup);
  }

  /** References between record groups of the same clients. One statement. */
  async edges(organisationId: string, asOf: string, clientId?: string): Promise<GroupEdge[]> {
    const rows = rowsOf<EdgeRow>(
      await this.db.execute(sql`
        WITH scope AS MATERIALIZED (${scopeSql(organisationId, asOf, clientId)})
        SELECT DISTINCT e.client_id::text AS client_id, e.child_task, e.child_type, e.parent_task, e.parent_type FROM (${edgesSql()}) e`),
    );
    return rows.map((r) => ({ clientId: r.client_id, childTask: r.child_task, childType: r.child_type, parentTask: r.parent_task, parentType: r.parent_type }));
  }

  /**
   * One client's records, locked against concurrent writes (its row FOR UPDATE: every insert about the client
   * waits for it), with the groups the plan needs. Null when the client is gone or not the organisation's.
   */
  async lockedClient(organisationId: string, clientId: string, asOf: string): Promise<{ records: ClientRecord[]; groups: RecordGroup[] } | null> {
    const locked = rowsOf<{ id: string }>(
      await this.db.execute(sql`SELECT id::text FROM clients.clients WHERE id = ${clientId}::uuid AND organisation_id = ${organisationId}::uuid FOR UPDATE`),
    );
    if (locked.length === 0) return null;
    const rows = rowsOf<RecordRow>(
      await this.db.execute(sql`
        WITH scope AS MATERIALIZED (${scopeSql(organisationId, asOf, clientId)}), records AS (${recordsSql()})
        SELECT id::text, record_type, unit_id::text, service_task, pristine, to_char(ended_on, 'YYYY-MM-DD') AS ended_on, open,
               to_char(died_on, 'YYYY-MM-DD') AS died_on
          FROM records`),
    );
    const groups = new Map<string, RecordGroup>();
    for (const r of rows) {
      const key = `${r.service_task ?? '*'}/${r.record_type}`;
      const g = groups.get(key) ?? { clientId, serviceTask: r.service_task, recordType: r.record_type, count: 0, pristine: 0, lastEndedOn: null, anyOpen: false, diedOn: null };
      g.count += 1;
      if (r.pristine) g.pristine += 1;
      if (r.ended_on && (!g.lastEndedOn || r.ended_on > g.lastEndedOn)) g.lastEndedOn = r.ended_on;
      if (r.open) g.anyOpen = true;
      if (r.died_on) g.diedOn = r.died_on;
      groups.set(key, g);
    }
    const records = rows.map((r) => ({ id: r.id, recordType: r.record_type, unitId: r.unit_id, serviceTask: r.service_task, pristine: Boolean(r.pristine) }));
    return { records, groups: [...groups.values()] };
  }

  /**
   * Removes and anonymises one client's records, children before parents (the foreign keys), with their parts
   * (revisions, care days, invoices, handovers, links) and the history kept of them (history.revisions).
   * Returns every row removed or changed, for the access log. The caller holds the client's lock.
   */
  async dispose(clientId: string, targets: ReadonlyMap<RetentionRecordType, DisposalTargets>): Promise<DisposedRow[]> {
    const out: DisposedRow[] = [];
    const ids = (type: RetentionRecordType) => (targets.get(type)?.delete ?? []).map((r) => r.id);
    const recordOf = new Map<string, ClientRecord>();
    for (const t of targets.values()) for (const r of [...t.delete, ...t.anonymise]) recordOf.set(r.id, r);

    const run = async (statement: SQL) => rowsOf<{ id: string; parent: string | null }>(await this.db.execute(statement));
    const push = (entityType: AuditEntityType, entityId: string, recordId: string | null, action: DisposedRow['action'], fields: readonly string[] = []) => {
      const record = recordOf.get(recordId ?? '');
      if (record) out.push({ entityType, entityId, record, action, fields });
    };
    const removeParts = async (entityType: AuditEntityType, table: string, parentColumn: string, parents: readonly string[]) => {
      if (parents.length === 0) return;
      const rows = await run(sql`DELETE FROM ${sql.raw(table)} WHERE ${sql.raw(parentColumn)} = ANY(${uuidArray(parents)}) RETURNING id::text, ${sql.raw(parentColumn)}::text AS parent`);
      for (const r of rows) push(entityType, r.id, r.parent, 'DELETE');
    };
    const remove = async (type: RetentionRecordType) => {
      const list = ids(type);
      if (list.length === 0) return;
      const source = RECORD_SOURCES[type];
      const rows = await run(sql`DELETE FROM ${sql.raw(source.table)} WHERE id = ANY(${uuidArray(list)}) AND ${sql.raw(type === 'CLIENT' ? 'id' : 'client_id')} = ${clientId}::uuid RETURNING id::text`);
      for (const r of rows) push(source.entityType, r.id, r.id, 'DELETE');
    };

    const documents = ids('DOCUMENT');
    const requests = ids('DATA_SUBJECT_REQUEST');
    const disclosures = ids('DISCLOSURE');
    // Links first (no entity of their own: the document, request or disclosure entry covers them).
    if (documents.length > 0 || requests.length > 0) {
      await this.db.execute(sql`DELETE FROM documents.extract_redactions WHERE document_id = ANY(${uuidArray(documents)}) OR request_id = ANY(${uuidArray(requests)})`);
    }
    if (documents.length > 0 || disclosures.length > 0) {
      await this.db.execute(sql`DELETE FROM documents.disclosure_documents WHERE document_id = ANY(${uuidArray(documents)}) OR disclosure_id = ANY(${uuidArray(disclosures)})`);
    }
    await removeParts('DocumentRevision', 'documents.document_revisions', 'document_id', documents);
    await remove('DOCUMENT');
    await removeParts('Invoice', 'services.invoices', 'payment_commitment_id', ids('FINANCIAL'));
    await remove('FINANCIAL');
    await removeParts('CareDay', 'services.care_days', 'placement_id', ids('PLACEMENT'));
    await remove('RESTRICTION');
    await remove('MEDICATION');
    await remove('PLACEMENT');
    await remove('DECISION');
    await remove('DISCLOSURE');
    await remove('CONSENT');
    await removeParts('Handover', 'lifecycle.handovers', 'commission_id', ids('COMMISSION'));
    await remove('COMMISSION');
    await remove('RELATIONSHIP');
    await remove('ASSISTANCE_REQUEST');
    await remove('DATA_SUBJECT_REQUEST');
    await remove('GUARDIAN');

    // Anonymisation: only what still holds something to clear (ClientRecord.pristine).
    for (const type of RETENTION_RECORD_TYPES) {
      const source = RECORD_SOURCES[type];
      const list = (targets.get(type)?.anonymise ?? []).filter((r) => r.pristine).map((r) => r.id);
      if (source.cleared.length === 0 || list.length === 0) continue;
      const fields = [...new Set(source.cleared.map((c) => c.field))];
      const rows = await run(sql`UPDATE ${sql.raw(`${source.table} x`)} SET ${anonymiseSetSql(source.cleared, source)} WHERE x.id = ANY(${uuidArray(list)}) RETURNING x.id::text`);
      for (const r of rows) push(source.entityType, r.id, r.id, 'UPDATE', fields);
      if (type === 'DOCUMENT') {
        const revisions = await run(
          sql`UPDATE documents.document_revisions x SET ${anonymiseSetSql(DOCUMENT_REVISION_CLEARED)} WHERE x.document_id = ANY(${uuidArray(list)}) RETURNING x.id::text, x.document_id::text AS parent`,
        );
        const revisionFields = DOCUMENT_REVISION_CLEARED.map((c) => c.field);
        for (const r of revisions) push('DocumentRevision', r.id, r.parent, 'UPDATE', revisionFields);
      }
      if (type === 'DOCUMENT' || type === 'DATA_SUBJECT_REQUEST') {
        const column = sql.raw(type === 'DOCUMENT' ? 'document_id' : 'request_id');
        await this.db.execute(sql`UPDATE documents.extract_redactions SET reason = ${ANONYMISED} WHERE ${column} = ANY(${uuidArray(list)})`);
      }
    }

    // The history kept of what is gone or anonymised holds its earlier values: it goes too (the client row's too).
    const touched = new Map(out.map((r) => [r.entityId, r.record.id]));
    for (const t of targets.values()) for (const r of t.delete) touched.set(r.id, r.id);
    if (touched.size > 0) {
      const rows = await run(sql`DELETE FROM history.revisions WHERE entity_id = ANY(${uuidArray([...touched.keys()])}) RETURNING id::text, entity_id::text AS parent`);
      for (const r of rows) push('Revision', r.id, touched.get(r.parent ?? '') ?? null, 'DELETE');
    }
    // The client row last: everything referring to it is gone.
    await remove('CLIENT');
    return out;
  }

  // ---- runs ----

  async insertRun(row: typeof disposalRuns.$inferInsert): Promise<DisposalRunRow> {
    const [inserted] = await this.db.insert(disposalRuns).values(row).returning();
    return inserted!;
  }

  async finishRun(id: string, patch: Pick<DisposalRunRow, 'status' | 'counts' | 'clients' | 'failedClients' | 'finishedAt'>): Promise<DisposalRunRow> {
    const [updated] = await this.db.update(disposalRuns).set(patch).where(eq(disposalRuns.id, id)).returning();
    return updated!;
  }

  async runs(organisationId: string, first: number): Promise<DisposalRunRow[]> {
    return this.db.select().from(disposalRuns).where(eq(disposalRuns.organisationId, organisationId)).orderBy(desc(disposalRuns.startedAt), desc(disposalRuns.id)).limit(first);
  }
}
