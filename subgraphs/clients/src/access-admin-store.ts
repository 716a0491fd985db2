import { grants, organisations, type Queryable, units, userCommitments, users, inList } from '@vartija/db';
import { and, asc, count, desc, eq, gt, ilike, isNull, or, type SQL, sql } from 'drizzle-orm';

export type UserRow = typeof users.$inferSelect;
export type GrantRow = typeof grants.$inferSelect;
export type UserCommitmentRow = typeof userCommitments.$inferSelect;
export type UnitRow = typeof units.$inferSelect;
export type OrganisationRow = typeof organisations.$inferSelect;

/** Today as YYYY-MM-DD (UTC), the day commitments are compared with. */
export const todayIso = () => new Date().toISOString().slice(0, 10);

export interface UserListFilter {
  loginPrefix?: string | null;
  unitId?: string | null;
  active?: boolean | null;
}

/** SQL of access administration: users, grants, commitments and units (no client data). */
export class AccessAdminStore {
  constructor(readonly db: Queryable) {}

  async user(id: string): Promise<UserRow | undefined> {
    const [row] = await this.db.select().from(users).where(eq(users.id, id));
    return row;
  }

  async userByLogin(login: string): Promise<UserRow | undefined> {
    const [row] = await this.db.select().from(users).where(eq(users.login, login));
    return row;
  }

  async userByExternalSubject(subject: string): Promise<UserRow | undefined> {
    const [row] = await this.db.select().from(users).where(eq(users.externalSubject, subject));
    return row;
  }

  async insertUser(values: typeof users.$inferInsert): Promise<UserRow> {
    const [row] = await this.db.insert(users).values(values).returning();
    return row!;
  }

  async grant(id: string): Promise<GrantRow | undefined> {
    const [row] = await this.db.select().from(grants).where(eq(grants.id, id));
    return row;
  }

  async insertGrant(values: typeof grants.$inferInsert): Promise<GrantRow> {
    const [row] = await this.db.insert(grants).values(values).returning();
    return row!;
  }

  /** Units in which the user holds a grant that is not revoked: what a unit's MANAGER may administer. */
  async grantUnitIds(userId: string): Promise<string[]> {
    const rows = await this.db
      .selectDistinct({ unitId: grants.unitId })
      .from(grants)
      .where(and(eq(grants.userId, userId), isNull(grants.revokedAt)));
    return rows.map((r) => r.unitId).filter((u): u is string => u !== null);
  }

  /**
   * The one unit all the user's grants not revoked or ended are in, when every one of them is a role
   * `roles` lists; else null. A commitment makes every grant of the user effective, so whoever records it
   * must be one who could have given them all (a MANAGER: only its unit's SOCIAL_WORKER / STUDENT grants).
   */
  async onlyUnitOfGrants(userId: string, roles: readonly string[]): Promise<string | null> {
    const rows = await this.db
      .select({ unitId: grants.unitId, role: grants.role })
      .from(grants)
      .where(and(eq(grants.userId, userId), isNull(grants.revokedAt), or(isNull(grants.validUntil), gt(grants.validUntil, new Date()))));
    const units = new Set(rows.map((r) => r.unitId));
    const [only] = [...units];
    return rows.length > 0 && units.size === 1 && only && rows.every((r) => roles.includes(r.role)) ? only : null;
  }

  async insertCommitment(values: typeof userCommitments.$inferInsert): Promise<UserCommitmentRow> {
    const [row] = await this.db.insert(userCommitments).values(values).returning();
    return row!;
  }

  commitmentsOf(userIds: readonly string[]): Promise<UserCommitmentRow[]> {
    if (userIds.length === 0) return Promise.resolve([]);
    return this.db
      .select()
      .from(userCommitments)
      .where(inList(userCommitments.userId, [...userIds]))
      .orderBy(desc(userCommitments.signedOn), desc(userCommitments.createdAt));
  }

  /** Grants of the users within `scope` (the caller's rows of access.grants), newest first. */
  grantsOf(userIds: readonly string[], scope: SQL): Promise<GrantRow[]> {
    if (userIds.length === 0) return Promise.resolve([]);
    return this.db
      .select()
      .from(grants)
      .where(and(inList(grants.userId, [...userIds]), scope))
      .orderBy(desc(grants.createdAt), asc(grants.id));
  }

  async unit(id: string): Promise<UnitRow | undefined> {
    const [row] = await this.db.select().from(units).where(eq(units.id, id));
    return row;
  }

  async unitByCode(code: string): Promise<UnitRow | undefined> {
    const [row] = await this.db.select().from(units).where(eq(units.code, code));
    return row;
  }

  async insertUnit(values: typeof units.$inferInsert): Promise<UnitRow> {
    const [row] = await this.db.insert(units).values(values).returning();
    return row!;
  }

  async organisation(id: string): Promise<OrganisationRow | undefined> {
    const [row] = await this.db.select().from(organisations).where(eq(organisations.id, id));
    return row;
  }

  async organisationByCode(code: string): Promise<OrganisationRow | undefined> {
    const [row] = await this.db.select().from(organisations).where(eq(organisations.code, code));
    return row;
  }

  async insertOrganisation(values: typeof organisations.$inferInsert): Promise<OrganisationRow> {
    const [row] = await this.db.insert(organisations).values(values).returning();
    return row!;
  }

  /** A page of users within `scope`, by login, after the login `after`. */
  usersPage(filter: UserListFilter, scope: SQL, limit: number, after: { key: string; id: string } | null): Promise<UserRow[]> {
    return this.db
      .select()
      .from(users)
      .where(and(scope, this.filterOf(filter), after ? or(gt(users.login, after.key), and(eq(users.login, after.key), gt(users.id, after.id))) : undefined))
      .orderBy(asc(users.login), asc(users.id))
      .limit(limit);
  }

  async countUsers(filter: UserListFilter, scope: SQL): Promise<number> {
    const [row] = await this.db.select({ n: count() }).from(users).where(and(scope, this.filterOf(filter)));
    return Number(row?.n ?? 0);
  }

  /** Every user of an organisation with its grants and commitments (the CLI's list). */
  async usersOfOrganisation(organisationId: string) {
    const rows = await this.db.select().from(users).where(eq(users.organisationId, organisationId)).orderBy(asc(users.login));
    const ids = rows.map((u) => u.id);
    const [allGrants, commitments] = await Promise.all([this.grantsOf(ids, sql`TRUE`), this.commitmentsOf(ids)]);
    return rows.map((user) => ({
      user,
      grants: allGrants.filter((g) => g.userId === user.id),
      commitments: commitments.filter((c) => c.userId === user.id),
    }));
  }

  private filterOf(filter: UserListFilter): SQL | undefined {
    const escaped = filter.loginPrefix ? filter.loginPrefix.replace(/[\\%_]/g, (c) => `\\${c}`) : null;
    return and(
      escaped ? ilike(users.login, `${escaped}%`) : undefined,
      filter.active === null || filter.active === undefined ? undefined : eq(users.active, filter.active),
      // Named in full: drizzle prints a lone table's columns unqualified inside a sub-select.
      filter.unitId
        ? sql`EXISTS (SELECT 1 FROM access.grants fg WHERE fg.user_id = access.users.id AND fg.unit_id = ${filter.unitId}::uuid AND fg.revoked_at IS NULL)`
        : undefined,
    );
  }
}

/** Whether each user has a commitment signed on or before `today`: without one, no grant takes effect. */
export function hasCommitment(commitments: readonly UserCommitmentRow[], today = todayIso()): boolean {
  return commitments.some((c) => c.signedOn <= today);
}
