import { clientRelationships, dataSubjectRequests, organisations, type Queryable, revisions, inList } from '@vartija/db';
import { type Cursor, isUuid, normaliseRecipientName } from '@vartija/kit';
import { and, asc, count, eq, ne, type SQL, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';

export type DataSubjectRequestRow = typeof dataSubjectRequests.$inferSelect;

/** Who an objection names, or a disclosure goes to: an organisation (with its registered name) and/or a free-text name. */
export interface RecipientNaming {
  organisationId: string | null;
  name: string | null;
  /** organisations.name of `organisationId`. */
  organisationName: string | null;
}

/**
 * Whether a granted objection covers a disclosure (issue 12 item 6, review finding 1): it covers all
 * disclosures not based on law, or the same organisation (by id), or the same recipient however either
 * side names it — the objection's name, or its organisation's registered name, equal (normalised,
 * kit/recipient-name.ts) to the disclosure's name or its organisation's registered name.
 */
export function objectionCovers(objection: RecipientNaming & { all: boolean }, disclosure: RecipientNaming): boolean {
  if (objection.all) return true;
  if (objection.organisationId && objection.organisationId === disclosure.organisationId) return true;
  const named = (name: string | null) => (name ? normaliseRecipientName(name) : null);
  const objectionNames = [named(objection.name), named(objection.organisationName)].filter((n): n is string => n !== null && n !== '');
  const disclosureNames = [named(disclosure.name), named(disclosure.organisationName)].filter((n): n is string => n !== null && n !== '');
  return objectionNames.some((n) => disclosureNames.includes(n));
}

export interface DataSubjectRequestListFilter {
  status: DataSubjectRequestRow['status'] | null;
  kind: DataSubjectRequestRow['kind'] | null;
  unitId: string | null;
  clientId: string | null;
  overdue: boolean | null;
  /** The day "overdue" is judged on (YYYY-MM-DD). */
  today: string;
}

const t = dataSubjectRequests;
/** The due date that applies: the extended one when extended. */
export const effectiveDue = sql<string>`coalesce(${t.extendedDueOn}, ${t.dueOn})`;
/** Not decided (received or extended) and the applying due date has passed. */
const overdueSql = (today: string) => sql`(${t.status} IN ('RECEIVED', 'EXTENDED') AND ${effectiveDue} < ${today}::date)`;

/** SQL of the data-subject request workflow (issue 12); writes run inside the caller's audited transaction. */
export class DataSubjectRequestStore {
  constructor(private readonly db: Queryable) {}

  private where(filter: DataSubjectRequestListFilter, scope: SQL): SQL {
    const conditions: SQL[] = [scope];
    if (filter.status) conditions.push(eq(t.status, filter.status));
    if (filter.kind) conditions.push(eq(t.kind, filter.kind));
    if (filter.unitId) conditions.push(eq(t.unitId, filter.unitId));
    if (filter.clientId) conditions.push(eq(t.clientId, filter.clientId));
    if (filter.overdue !== null) conditions.push(filter.overdue ? overdueSql(filter.today) : sql`NOT ${overdueSql(filter.today)}`);
    return and(...conditions)!;
  }

  /** One page, the earliest applying due date first (ties by id), after the keyset position `after`. */
  page(filter: DataSubjectRequestListFilter, scope: SQL, limit: number, after: Cursor | null): Promise<DataSubjectRequestRow[]> {
    const position = after ? sql`(${effectiveDue}, ${t.id}) > (${after.key}::date, ${after.id}::uuid)` : sql`TRUE`;
    return this.db
      .select()
      .from(t)
      .where(and(this.where(filter, scope), position))
      .orderBy(asc(effectiveDue), asc(t.id))
      .limit(limit);
  }

  /** Every row the filter matches (for a filtered count: each match is logged). */
  matching(filter: DataSubjectRequestListFilter, scope: SQL): Promise<DataSubjectRequestRow[]> {
    return this.db.select().from(t).where(this.where(filter, scope));
  }

  async count(filter: DataSubjectRequestListFilter, scope: SQL): Promise<number> {
    const [row] = await this.db.select({ n: count() }).from(t).where(this.where(filter, scope));
    return Number(row?.n ?? 0);
  }

  byIds(ids: readonly string[], scope: SQL): Promise<DataSubjectRequestRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db
      .select()
      .from(t)
      .where(and(inList(t.id, [...ids]), scope));
  }

  /** Whether the request is within the actor's row scope (read inside the write's transaction). */
  async visible(id: string, scope: SQL): Promise<boolean> {
    const rows = await this.db.select({ id: t.id }).from(t).where(and(eq(t.id, id), scope));
    return rows.length > 0;
  }

  /** The unit where the client's data arose: one the client has, or had, a relationship with. */
  async hasRelationship(clientId: string, unitId: string): Promise<boolean> {
    const rows = await this.db
      .select({ id: clientRelationships.id })
      .from(clientRelationships)
      .where(and(eq(clientRelationships.clientId, clientId), eq(clientRelationships.unitId, unitId)))
      .limit(1);
    return rows.length > 0;
  }

  async organisationExists(id: string): Promise<boolean> {
    const rows = await this.db.select({ id: organisations.id }).from(organisations).where(eq(organisations.id, id));
    return rows.length > 0;
  }

  async insert(values: typeof t.$inferInsert): Promise<string> {
    const [row] = await this.db.insert(t).values(values).returning({ id: t.id });
    return row!.id;
  }

  /**
   * A granted objection of the client covering a disclosure not based directly on law to this recipient
   * (kielto-oikeus, seeds 001 and 003): one covering all such disclosures, or naming the recipient however
   * the disclosure names it (`objectionCovers`). The earliest decided first.
   */
  async objectionCovering(clientId: string, recipientOrganisationId: string | null, recipientName: string): Promise<DataSubjectRequestRow | undefined> {
    const objectionOrganisation = alias(organisations, 'objection_organisation');
    const rows = await this.db
      .select({ request: t, organisationName: objectionOrganisation.name })
      .from(t)
      .leftJoin(objectionOrganisation, eq(objectionOrganisation.id, t.objectionRecipientOrganisationId))
      .where(and(eq(t.clientId, clientId), eq(t.kind, 'OBJECTION'), eq(t.outcome, 'GRANTED')))
      .orderBy(asc(t.decidedOn), asc(t.id));
    const disclosureOrganisationName = recipientOrganisationId && isUuid(recipientOrganisationId) ? await this.organisationName(recipientOrganisationId) : null;
    const disclosure = { organisationId: recipientOrganisationId, name: recipientName, organisationName: disclosureOrganisationName };
    return rows.find((r) =>
      objectionCovers(
        { all: r.request.objectionAllNonStatutory, organisationId: r.request.objectionRecipientOrganisationId, name: r.request.objectionRecipientName, organisationName: r.organisationName },
        disclosure,
      ),
    )?.request;
  }

  async organisationName(id: string): Promise<string | null> {
    const rows = await this.db.select({ name: organisations.name }).from(organisations).where(eq(organisations.id, id));
    return rows[0]?.name ?? null;
  }

  /** One change of a record in history.revisions (what a granted rectification of another subgraph's record links to). */
  revision(entityType: string, entityId: string, revision: number) {
    return this.db
      .select()
      .from(revisions)
      .where(and(eq(revisions.entityType, entityType), eq(revisions.entityId, entityId), eq(revisions.revision, revision)))
      // Locked: two decisions linking the same change queue up, and the second sees the first's link.
      .for('update')
      .then((rows) => rows[0]);
  }

  /** Another request already linked to this change as its correction (a change corrects one request). */
  linkedElsewhere(entityType: string, entityId: string, revision: number, requestId: string): Promise<string | undefined> {
    return this.db
      .select({ id: t.id })
      .from(t)
      .where(and(eq(t.correctedEntityType, entityType), eq(t.correctedEntityId, entityId), eq(t.correctedRevision, revision), ne(t.id, requestId)))
      .limit(1)
      .then((rows) => rows[0]?.id);
  }
}
