import { grants, type Queryable, units, users } from '@vartija/db';
import {
  type AuditedWrite,
  badInput,
  changedFields,
  conflict,
  forbidden,
  isUniqueViolation,
  isUuid,
  notFound,
  type Role,
  ROLES_A_MANAGER_GRANTS,
  todayInFinland,
} from '@vartija/kit';
import type { CreateUnitValues, CreateUserValues, GrantRoleValues, RecordCommitmentValues, UpdateUnitValues, UpdateUserValues } from './access-admin-input';
import { AccessAdminStore, type GrantRow, type UnitRow, type UserCommitmentRow, type UserRow } from './access-admin-store';

/** Roles held in a unit; the others are organisation-wide (the database checks the same). */
const UNIT_ROLES: readonly Role[] = ['SOCIAL_WORKER', 'MANAGER', 'STUDENT'];
/** A student's grant ends with the internship: at most a year (a longer one is an employment, not an internship). */
const MAX_INTERNSHIP_DAYS = 366;
const DAY_MS = 86_400_000;

/**
 * Access administration (issue 11, item 4): users, grants, use and confidentiality commitments and
 * units. Every method runs inside one audited write (kit/write-service.ts): the policy decides
 * (roles.ts: administerOrganisation, administerUnit), the CREATE / UPDATE entry commits with the change,
 * and refusals are logged as DENIED. The GraphQL mutations and the `npm run users` CLI (a SYSTEM actor)
 * both come through here.
 *
 * Rows of another organisation are, for the caller, unknown ids (NOT_FOUND): nobody administers
 * another organisation, and the answer does not tell whether the row exists.
 */
export class AccessAdminService {
  private readonly store: AccessAdminStore;

  constructor(private readonly w: AuditedWrite) {
    this.store = new AccessAdminStore(w.tx);
  }

  private get organisationId(): string {
    return this.w.actor.organisationId;
  }

  /** The acting user (recorded as grantedBy, revokedBy, recordedBy); null for the CLI's SYSTEM actor. */
  private get actingUserId(): string | null {
    return this.w.actor.kind === 'USER' && isUuid(this.w.actor.id) ? this.w.actor.id : null;
  }

  async createUser(values: CreateUserValues): Promise<UserRow> {
    const target = { entityType: 'User', entityId: null, clientId: null } as const;
    const grant = this.w.authorize('create', 'User', { organisationId: this.organisationId }, null, target);
    if (await this.store.userByLogin(values.login)) throw conflict(`The login ${values.login} is already taken; choose another.`, { field: 'input.login' });
    if (values.externalSubject && (await this.store.userByExternalSubject(values.externalSubject))) {
      throw conflict('This OIDC subject is already mapped to another user.', { field: 'input.externalSubject' });
    }
    const user = await this.unique(() =>
      this.store.insertUser({
        login: values.login,
        displayName: values.displayName,
        externalSubject: values.externalSubject ?? null,
        organisationId: this.organisationId,
      }),
    );
    const fields = ['login', 'displayName', ...(values.externalSubject ? ['externalSubject'] : []), 'active'];
    this.w.change({ ...target, entityId: user.id }, fields, 'CREATE', grant);
    return user;
  }

  async updateUser(id: string, version: number, values: UpdateUserValues, reason: string): Promise<UserRow> {
    const current = (await this.w.lock(users, id)) as UserRow | undefined;
    if (!current || current.organisationId !== this.organisationId) throw notFound('User', id);
    const target = { entityType: 'User', entityId: id, clientId: null } as const;
    const patch: Record<string, unknown> = { ...values };
    const fields = changedFields(current, patch);
    const subject = { organisationId: current.organisationId, grantUnitIds: await this.store.grantUnitIds(id), userId: id };
    const grant = this.w.authorize('update', 'User', subject, fields, target);
    if (values.externalSubject && fields.includes('externalSubject')) {
      const holder = await this.store.userByExternalSubject(values.externalSubject);
      if (holder && holder.id !== id) throw conflict('This OIDC subject is already mapped to another user.', { field: 'input.externalSubject' });
    }
    await this.unique(() => this.w.revise({ ...target, entityId: id }, users, current, patch, { fields, reason, grant, expectedVersion: version }));
    return (await this.store.user(id))!;
  }

  async grantRole(values: GrantRoleValues): Promise<GrantRow> {
    const { userId, role } = values;
    const unitId = values.unitId ?? null;
    const unitRole = UNIT_ROLES.includes(role);
    if (unitRole && !unitId) throw badInput('unitId', `a ${role} grant is held in a unit: give the unit`);
    if (!unitRole && unitId) throw badInput('unitId', `${role} is an organisation-wide role: give no unit`);
    // A student's grant ends with the internship (DESIGN.md §4): never open-ended.
    if (role === 'STUDENT' && !values.validUntil) throw badInput('validUntil', 'a STUDENT grant must end with the internship: give its last moment');
    const validFrom = values.validFrom ?? new Date();
    if (values.validUntil && values.validUntil <= validFrom) throw badInput('validUntil', 'must be after validFrom (or after now when validFrom is not given)');
    if (values.validUntil && values.validUntil <= new Date()) throw badInput('validUntil', 'must be in the future: a grant that has already ended grants nothing');
    if (role === 'STUDENT' && values.validUntil!.getTime() - validFrom.getTime() > MAX_INTERNSHIP_DAYS * DAY_MS) {
      throw badInput('validUntil', `an internship grant lasts at most ${MAX_INTERNSHIP_DAYS} days: give the internship's last day`);
    }
    const user = await this.visibleUser(userId);
    const unit = unitId ? await this.visibleUnit(unitId) : null;
    const target = { entityType: 'Grant', entityId: null, clientId: null, unitId } as const;
    const subject = { organisationId: user.organisationId, unitId, role, userId };
    const grant = this.authorizeGrant('create', subject, target);
    const row = await this.store.insertGrant({
      userId,
      role,
      organisationId: user.organisationId,
      unitId: unit?.id ?? null,
      validFrom,
      validUntil: values.validUntil ?? null,
      grantedBy: this.actingUserId,
    });
    this.w.change({ ...target, entityId: row.id }, ['userId', 'role', ...(unitId ? ['unit'] : []), 'validFrom', ...(values.validUntil ? ['validUntil'] : [])], 'CREATE', grant);
    return row;
  }

  /** Takes effect within the gateway's grant cache time (GRANT_CACHE_MS): grants are read from the database. */
  async revokeGrant(id: string): Promise<GrantRow> {
    const current = (await this.w.lock(grants, id)) as GrantRow | undefined;
    if (!current || current.organisationId !== this.organisationId) throw notFound('Grant', id);
    const target = { entityType: 'Grant', entityId: id, clientId: null, unitId: current.unitId } as const;
    const subject = { organisationId: current.organisationId, unitId: current.unitId, role: current.role, userId: current.userId };
    const grant = this.authorizeGrant('update', subject, target);
    if (current.revokedAt) throw conflict(`The grant was already revoked at ${current.revokedAt.toISOString()}.`);
    const patch = { revokedAt: new Date(), revokedBy: this.actingUserId };
    await this.w.revise(target, grants, current, patch, { fields: changedFields(current, patch), reason: 'revoked', grant });
    return (await this.store.grant(id))!;
  }

  async recordCommitment(values: RecordCommitmentValues): Promise<UserCommitmentRow> {
    // A day in Finland (kit/finnish-date.ts); whether the commitment is in force (hasCommitment) still follows the policy clock.
    if (values.signedOn > todayInFinland()) throw badInput('signedOn', 'must not be in the future: record the commitment once it is signed');
    const user = await this.visibleUser(values.userId);
    const target = { entityType: 'UserCommitment', entityId: null, clientId: null } as const;
    const subject = {
      organisationId: user.organisationId,
      grantUnitIds: await this.store.grantUnitIds(user.id),
      onlyUnitOfGrants: await this.store.onlyUnitOfGrants(user.id, ROLES_A_MANAGER_GRANTS),
      userId: user.id,
    };
    const grant = this.selfAware(subject.userId, () => this.w.authorize('create', 'UserCommitment', subject, null, target));
    const row = await this.store.insertCommitment({
      userId: user.id,
      signedOn: values.signedOn,
      documentReference: values.documentReference ?? null,
      recordedBy: this.actingUserId,
    });
    this.w.change({ ...target, entityId: row.id, unitId: grant?.unitId ?? null }, ['userId', 'signedOn', ...(row.documentReference ? ['documentReference'] : [])], 'CREATE', grant);
    return row;
  }

  async createUnit(values: CreateUnitValues): Promise<UnitRow> {
    const target = { entityType: 'Unit', entityId: null, clientId: null } as const;
    const grant = this.w.authorize('create', 'Unit', { organisationId: this.organisationId }, null, target);
    if (await this.store.unitByCode(values.code)) throw conflict(`The unit code ${values.code} is already taken; choose another.`, { field: 'input.code' });
    const unit = await this.unique(() =>
      this.store.insertUnit({
        organisationId: this.organisationId,
        code: values.code,
        name: values.name,
        serviceTask: values.serviceTask,
        visibilityWindowMonths: values.visibilityWindowMonths ?? 12,
      }),
    );
    this.w.change({ ...target, entityId: unit.id, unitId: unit.id }, ['code', 'name', 'serviceTask', 'visibilityWindowMonths'], 'CREATE', grant);
    return unit;
  }

  async updateUnit(id: string, values: UpdateUnitValues, reason: string): Promise<UnitRow> {
    const current = (await this.w.lock(units, id)) as UnitRow | undefined;
    if (!current || current.organisationId !== this.organisationId) throw notFound('Unit', id);
    const target = { entityType: 'Unit', entityId: id, clientId: null, unitId: id } as const;
    const patch: Record<string, unknown> = { ...values };
    const fields = changedFields(current, patch);
    const grant = this.w.authorize('update', 'Unit', { organisationId: current.organisationId }, fields, target);
    await this.w.revise(target, units, current, patch, { fields, reason, grant });
    return (await this.store.unit(id))!;
  }

  private authorizeGrant(action: 'create' | 'update', subject: { userId: string }, target: Parameters<AuditedWrite['authorize']>[4]) {
    return this.selfAware(subject.userId, () => this.w.authorize(action, 'Grant', subject, action === 'update' ? ['revokedAt'] : null, target));
  }

  /** A refusal about the caller's own grants or commitment (logged DENIED by authorize) says why. */
  private selfAware<T>(userId: string, authorize: () => T): T {
    try {
      return authorize();
    } catch (error) {
      if (userId === this.actingUserId) throw forbidden('Nobody grants themselves rights or records their own commitment: ask another registrar or your manager.');
      throw error;
    }
  }

  private async visibleUser(id: string): Promise<UserRow> {
    const user = isUuid(id) ? await this.store.user(id) : undefined;
    if (!user || user.organisationId !== this.organisationId) throw notFound('User', id);
    return user;
  }

  private async visibleUnit(id: string): Promise<UnitRow> {
    const unit = isUuid(id) ? await this.store.unit(id) : undefined;
    if (!unit || unit.organisationId !== this.organisationId) throw notFound('Unit', id);
    return unit;
  }

  /** A unique index the pre-check could not see (a concurrent write) answers CONFLICT, not an internal error. */
  private async unique<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict('The login, OIDC subject or unit code is already taken; choose another.');
      throw error;
    }
  }
}

/** For resolvers and the CLI alike: the db a store reads with outside a write. */
export const accessAdminStore = (db: Queryable) => new AccessAdminStore(db);
