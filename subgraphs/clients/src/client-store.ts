import {
  clientRelationships,
  clients,
  commissions,
  consents,
  guardians,
  organisations,
  type Queryable,
  units,
  users,
  inList,
} from '@vartija/db';
import { candidateRows, type Cursor, guardianSubjectColumns, type PartnerCommission, partnerCommissionsOf, responsibleWorkerIdsOf } from '@vartija/kit';
import { and, asc, eq, getTableColumns, ilike, isNull, type SQL, sql } from 'drizzle-orm';

/** A client row as the policy sees it: the columns plus what its rules test (kit policy/subject-columns.ts). */
const clientColumns = {
  ...getTableColumns(clients),
  responsibleWorkerIds: responsibleWorkerIdsOf(sql`clients.clients.id`).as('responsible_worker_ids'),
};

export type { PartnerCommission };
export type ClientRow = typeof clients.$inferSelect & { responsibleWorkerIds: string[]; partnerCommissions?: PartnerCommission[]; via?: string[] };
export type NewClient = typeof clients.$inferInsert;

export interface ClientListFilter {
  lastNamePrefix?: string | null;
  unitId?: string | null;
  activeOnly?: boolean | null;
  personalIdentityCode?: string | null;
}

/** Sort key of the client list: the name people search by, then id for a stable order. */
const sortName = sql<string>`lower(coalesce(${clients.lastName}, '') || ' ' || coalesce(${clients.firstName}, '') || coalesce(${clients.pseudonym}, ''))`;

export const cursorOfClient = (row: ClientRow): Cursor => ({
  key: `${row.lastName ?? ''} ${row.firstName ?? ''}${row.pseudonym ?? ''}`.toLowerCase(),
  id: row.id,
});

/**
 * The list's filters as SQL. `relationshipScope` limits relationship filters to the relationships the
 * actor may see (policy v2): a filter never matches through a relationship the caller cannot read.
 */
function filterConditions(filter: ClientListFilter | null | undefined, relationshipScope: SQL): SQL[] {
  const conditions: SQL[] = [];
  if (!filter) return conditions;
  if (filter.lastNamePrefix) {
    conditions.push(ilike(clients.lastName, `${filter.lastNamePrefix.replace(/[\\%_]/g, '\\$&')}%`));
  }
  if (filter.personalIdentityCode) conditions.push(eq(clients.personalIdentityCode, filter.personalIdentityCode.trim().toUpperCase()));
  if (filter.unitId || filter.activeOnly) {
    const relationship = [eq(clientRelationships.clientId, clients.id), relationshipScope];
    if (filter.unitId) relationship.push(eq(clientRelationships.unitId, filter.unitId));
    if (filter.activeOnly) relationship.push(isNull(clientRelationships.endedOn));
    conditions.push(sql`EXISTS (SELECT 1 FROM ${clientRelationships} WHERE ${and(...relationship)})`);
  }
  return conditions;
}

/** What a list query is limited by: its rows (row scope and readable-field condition) and the visible relationships. */
export interface ListScope {
  /** The rows the list may reach (kit ReadChannel.where). */
  rows: SQL;
  /** Whether `rows` is narrower than the row scope (a field used is readable on some visible rows only). */
  narrowed: boolean;
  relationships: SQL;
  /** The row scope as a condition on relationships alone, when it is one (kit relationOnlyScope), else null. */
  rowsByRelationship: SQL | null;
}

const listConditions = (filter: ClientListFilter | null | undefined, scope: ListScope, filters = filterConditions(filter, scope.relationships)): SQL[] => [
  scope.rows,
  ...filters,
];

/** SQL for reading clients; every read takes the actor's row scope so invisible rows never load. */
export class ClientStore {
  private readonly columns: typeof clientColumns & { partnerCommissions?: SQL.Aliased<PartnerCommission[]> };

  /** `partnerOrganisationId`: set for a PARTNER actor, whose read rules test the client's commissions. */
  constructor(
    private readonly db: Queryable,
    private readonly partnerOrganisationId: string | null = null,
  ) {
    this.columns = partnerOrganisationId
      ? { ...clientColumns, partnerCommissions: partnerCommissionsOf(sql`clients.clients.id`, partnerOrganisationId).as('partner_commissions') }
      : clientColumns;
  }

  byIds(ids: readonly string[], scope: SQL): Promise<ClientRow[]> {
    return this.db.select(this.columns).from(clients).where(and(inList(clients.id, [...ids]), scope));
  }

  /** `rows`: the look-up's channel within the row scope (kit ReadChannel.where). */
  async byPersonalIdentityCode(code: string, rows: SQL): Promise<ClientRow | undefined> {
    const [row] = await this.db
      .select(this.columns)
      .from(clients)
      .where(and(eq(clients.personalIdentityCode, code), rows))
      .limit(1);
    return row;
  }

  /** Keyset page of `limit` rows after the (decoded) cursor. */
  page(filter: ClientListFilter | null | undefined, scope: ListScope, limit: number, after: Cursor | null) {
    const conditions = listConditions(filter, scope);
    if (after) conditions.push(sql`(${sortName}, ${clients.id}) > (${after.key}, ${after.id}::uuid)`);
    return this.db
      .select(this.columns)
      .from(clients)
      .where(and(...conditions))
      .orderBy(asc(sortName), asc(clients.id))
      .limit(limit);
  }

  async count(filter: ClientListFilter | null | undefined, scope: ListScope): Promise<number> {
    const filters = filterConditions(filter, scope.relationships);
    const [row] =
      scope.rowsByRelationship && !scope.narrowed && filters.length === 0
        ? // The same number from the relationships' index alone: the clients with a relationship in scope.
          await this.db
            .select({ count: sql<number>`count(DISTINCT ${clientRelationships.clientId})::int` })
            .from(clientRelationships)
            .where(scope.rowsByRelationship)
        : await this.db
            .select({ count: sql<number>`count(*)::int` })
            .from(clients)
            .where(and(...listConditions(filter, scope, filters)));
    return row?.count ?? 0;
  }

  /** Every client a filter matches: a filtered count logs each of them (policy v2). */
  matching(filter: ClientListFilter | null | undefined, scope: ListScope): Promise<ClientRow[]> {
    return this.db.select(this.columns).from(clients).where(and(...listConditions(filter, scope)));
  }

  /**
   * Ids of the organisation's clients with this identity code, to log a refused look-up against (by id:
   * kit ownClientLoader). Only the register the caller works in (registerOrganisationOf): naming another
   * organisation's client in the caller's log would tell its auditors who is a client there.
   */
  async clientIdsWithCode(organisationId: string, code: string): Promise<string[]> {
    const rows = await this.db
      .select({ id: clients.id })
      .from(clients)
      .where(and(eq(clients.organisationId, organisationId), eq(clients.personalIdentityCode, code)));
    return rows.map((r) => r.id);
  }

  /** Guardians carry their client's non-disclosure flag: partners never see their contact data then. */
  guardiansOf(clientIds: readonly string[]) {
    return this.db
      .select({
        ...getTableColumns(guardians),
        ...guardianSubjectColumns(sql`clients.guardians.client_id`, this.partnerOrganisationId),
      })
      .from(guardians)
      .innerJoin(clients, eq(clients.id, guardians.clientId))
      .where(inList(guardians.clientId, [...clientIds]))
      .orderBy(asc(guardians.lastName), asc(guardians.firstName));
  }

  /** `scope` on the batch's rows, picked by client first (kit candidateRows). */
  relationshipsOf(clientIds: readonly string[], scope: SQL) {
    const batch = candidateRows(this.db, clientRelationships, clientRelationships.clientId, clientIds);
    return this.db.select().from(batch).where(scope).orderBy(asc(batch.startedOn));
  }

  /** `scope` on the batch's rows, picked by client first (kit candidateRows). */
  commissionsOf(clientIds: readonly string[], scope: SQL) {
    const batch = candidateRows(this.db, commissions, commissions.clientId, clientIds);
    return this.db.select().from(batch).where(scope).orderBy(asc(batch.startsOn));
  }

  /** `scope` on the batch's rows, picked by client first (kit candidateRows). */
  consentsOf(clientIds: readonly string[], scope: SQL) {
    const batch = candidateRows(this.db, consents, consents.clientId, clientIds);
    return this.db.select().from(batch).where(scope).orderBy(asc(batch.givenOn));
  }

  units(ids: readonly string[]) {
    return this.db.select().from(units).where(inList(units.id, [...ids]));
  }

  unitsOfOrganisation(organisationId: string) {
    return this.db.select().from(units).where(eq(units.organisationId, organisationId)).orderBy(asc(units.name));
  }

  organisations(ids: readonly string[]) {
    return this.db.select().from(organisations).where(inList(organisations.id, [...ids]));
  }

  userNames(ids: readonly string[]) {
    return this.db
      .select({ id: users.id, displayName: users.displayName })
      .from(users)
      .where(inList(users.id, [...ids]));
  }
}
