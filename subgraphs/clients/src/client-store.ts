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
} from '@vartija/db';
import type { Cursor } from '@vartija/kit';
import { and, asc, eq, getTableColumns, ilike, inArray, isNull, type SQL, sql } from 'drizzle-orm';

/**
 * A client row as the policy sees it: the columns plus the responsible workers of its open
 * relationships, which decide who may read a non-disclosure client's contact data.
 */
const clientColumns = {
  ...getTableColumns(clients),
  responsibleWorkerIds: sql<string[]>`ARRAY(SELECT r.responsible_worker_id::text FROM clients.client_relationships r WHERE r.client_id = clients.clients.id AND r.ended_on IS NULL AND r.responsible_worker_id IS NOT NULL)`.as('responsible_worker_ids'),
};

export type ClientRow = typeof clients.$inferSelect & { responsibleWorkerIds: string[]; via?: string[] };
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

function filterConditions(filter: ClientListFilter | null | undefined): SQL[] {
  const conditions: SQL[] = [];
  if (!filter) return conditions;
  if (filter.lastNamePrefix) {
    conditions.push(ilike(clients.lastName, `${filter.lastNamePrefix.replace(/[\\%_]/g, '\\$&')}%`));
  }
  if (filter.personalIdentityCode) conditions.push(eq(clients.personalIdentityCode, filter.personalIdentityCode));
  if (filter.unitId || filter.activeOnly) {
    const relationship = [eq(clientRelationships.clientId, clients.id)];
    if (filter.unitId) relationship.push(eq(clientRelationships.unitId, filter.unitId));
    if (filter.activeOnly) relationship.push(isNull(clientRelationships.endedOn));
    conditions.push(sql`EXISTS (SELECT 1 FROM ${clientRelationships} WHERE ${and(...relationship)})`);
  }
  return conditions;
}

/** SQL for reading clients; every read takes the actor's row scope so invisible rows never load. */
export class ClientStore {
  private readonly columns = clientColumns;

  constructor(private readonly db: Queryable) {}

  byIds(ids: readonly string[], scope: SQL): Promise<ClientRow[]> {
    return this.db.select(this.columns).from(clients).where(and(inArray(clients.id, [...ids]), scope));
  }

  async byPersonalIdentityCode(code: string, scope: SQL): Promise<ClientRow | undefined> {
    const [row] = await this.db
      .select(this.columns)
      .from(clients)
      .where(and(eq(clients.personalIdentityCode, code), scope));
    return row;
  }

  /** Keyset page of `limit` rows after the (decoded) cursor. */
  page(filter: ClientListFilter | null | undefined, scope: SQL, limit: number, after: Cursor | null) {
    const conditions = [scope, ...filterConditions(filter)];
    if (after) conditions.push(sql`(${sortName}, ${clients.id}) > (${after.key}, ${after.id}::uuid)`);
    return this.db
      .select(this.columns)
      .from(clients)
      .where(and(...conditions))
      .orderBy(asc(sortName), asc(clients.id))
      .limit(limit);
  }

  async count(filter: ClientListFilter | null | undefined, scope: SQL): Promise<number> {
    const [row] = await this.db
      .select({ count: sql<number>`count(*)::int` })
      .from(clients)
      .where(and(scope, ...filterConditions(filter)));
    return row?.count ?? 0;
  }

  /** Guardians carry their client's non-disclosure flag: partners never see their contact data then. */
  guardiansOf(clientIds: readonly string[]) {
    return this.db
      .select({
        ...getTableColumns(guardians),
        clientAddressNonDisclosure: clients.addressNonDisclosure,
        clientResponsibleWorkerIds: sql<string[]>`ARRAY(SELECT r.responsible_worker_id::text FROM clients.client_relationships r WHERE r.client_id = clients.guardians.client_id AND r.ended_on IS NULL AND r.responsible_worker_id IS NOT NULL)`,
      })
      .from(guardians)
      .innerJoin(clients, eq(clients.id, guardians.clientId))
      .where(inArray(guardians.clientId, [...clientIds]))
      .orderBy(asc(guardians.lastName), asc(guardians.firstName));
  }

  relationshipsOf(clientIds: readonly string[], scope: SQL) {
    return this.db
      .select()
      .from(clientRelationships)
      .where(and(inArray(clientRelationships.clientId, [...clientIds]), scope))
      .orderBy(asc(clientRelationships.startedOn));
  }

  commissionsOf(clientIds: readonly string[], scope: SQL) {
    return this.db
      .select()
      .from(commissions)
      .where(and(inArray(commissions.clientId, [...clientIds]), scope))
      .orderBy(asc(commissions.startsOn));
  }

  consentsOf(clientIds: readonly string[], scope: SQL) {
    return this.db
      .select()
      .from(consents)
      .where(and(inArray(consents.clientId, [...clientIds]), scope))
      .orderBy(asc(consents.givenOn));
  }

  units(ids: readonly string[]) {
    return this.db.select().from(units).where(inArray(units.id, [...ids]));
  }

  unitsOfOrganisation(organisationId: string) {
    return this.db.select().from(units).where(eq(units.organisationId, organisationId)).orderBy(asc(units.name));
  }

  organisations(ids: readonly string[]) {
    return this.db.select().from(organisations).where(inArray(organisations.id, [...ids]));
  }

  userNames(ids: readonly string[]) {
    return this.db
      .select({ id: users.id, displayName: users.displayName })
      .from(users)
      .where(inArray(users.id, [...ids]));
  }
}
