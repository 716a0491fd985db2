import { clientRelationships, clients, grants, type Queryable } from '@vartija/db';
import {
  audited,
  type AuditedWrite,
  type AuditTarget,
  badInput,
  changedFields as changedFieldsOf,
  conflict,
  isUniqueViolation,
  isUuid,
  notFound,
  type PolicyGrant,
  type RequestContext,
  todayInFinland,
} from '@vartija/kit';
import { and, eq, gt, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import { changedFields } from './changed-fields';
import { ClientWriteStore } from './client-write-store';
import { toClientColumns } from './client-input';
import type { Loaders } from './loaders';

type Ctx = RequestContext<Loaders>;
const today = () => new Date().toISOString().slice(0, 10);
const addDays = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
/** How far back a relationship's end may be dated by staff. */
const MAX_BACKDATING_DAYS = 31;
/** The columns of `patch` whose value differs from the row's (history keeps exactly those). */
const changedColumns = (current: Record<string, unknown>, patch: Record<string, unknown>) => changedFieldsOf(current, patch);
const changedMeanwhile = () => conflict('The client was changed by someone else at the same time; reload it and try again.');

export interface CreateClientCommand {
  unitId: string;
  startedOn?: string | null;
  personalIdentityCode?: string | null;
  dateOfBirth?: string | null;
  fields: Parameters<typeof toClientColumns>[0];
}

/**
 * Writes of the clients subgraph. Each runs as one audited write (kit/write-service.ts): the policy
 * decides on the full write subject, the log entries commit with the change, and the caller reads the
 * result back through its own read rules. Returns ids; resolvers load what they answer.
 */
export class ClientService {
  constructor(private readonly ctx: Ctx) {}

  /**
   * A new client, or the intake of a person already registered in the organisation (same identity
   * code): the unit opens its own relationship. The answer is the same either way, and nothing of the
   * person's other relationships or records is shown; an existing record is not overwritten.
   */
  createClient(command: CreateClientCommand): Promise<string> {
    const { unitId, startedOn, personalIdentityCode, dateOfBirth, fields } = command;
    const columns = toClientColumns(fields);
    // `false` is the default and sets nothing: intake never lifts a protection (the answer shows it).
    if (columns['addressNonDisclosure'] === false) delete columns['addressNonDisclosure'];
    const written = [...changedFields(columns), ...(personalIdentityCode ? ['personalIdentityCode'] : []), ...(dateOfBirth ? ['dateOfBirth'] : [])];
    assertStartNotFuture(startedOn, 'input.startedOn');
    return this.run(async (w, store) => {
      const target: AuditTarget = { entityType: 'Client', entityId: null, clientId: null, unitId };
      const grant = w.authorize('create', 'Client', { unitId, addressNonDisclosure: columns['addressNonDisclosure'] ?? false }, [...written, 'unitId'], target);
      const unit = await store.unit(unitId);
      if (!unit || unit.organisationId !== w.actor.organisationId) throw badInput('input.unitId', 'is not a unit of your organisation');
      const existing = personalIdentityCode ? await store.clientByCode(unit.organisationId, personalIdentityCode) : undefined;
      let clientId: string;
      if (existing && (await store.isArchived(existing.id))) {
        // The archive is the registrar's (DESIGN.md §1): taking the person on again would reopen
        // archived records to the unit. Refused, logged with the client (Vartija has no restore of the archive yet).
        w.deny('create', { entityType: 'Client', entityId: existing.id, clientId: existing.id, unitId }, 'intake of an archived client');
        throw conflict('This person’s earlier records are in the archive, which only the registrar reaches: taking the person on would reopen them. Ask the registrar.', { reason: 'ARCHIVED' });
      }
      if (existing && (await store.isArchived(existing.id, unitId))) {
        // The same for this unit's own earlier records: a new relationship would reopen them to the unit (and to
        // a grant of another unit that found the person and let this one's take the person on).
        w.deny('create', { entityType: 'Client', entityId: existing.id, clientId: existing.id, unitId }, 'intake reopening the unit’s archived records');
        throw conflict('This unit’s earlier records of the person are in the archive, which only the registrar reaches: taking the person on would reopen them. Ask the registrar.', { reason: 'ARCHIVED' });
      }
      if (existing) {
        clientId = existing.id;
        // Protection may be raised at intake, never lifted: lifting is the manager's (setAddressNonDisclosure).
        if (columns['addressNonDisclosure'] === true && !existing.addressNonDisclosure) {
          const current = await w.lock(clients, existing.id);
          if (!current || current.version !== existing.version) throw changedMeanwhile();
          // Kept in the history like every change: it also marks the client as once protected (history-service).
          await this.revise(w, { entityType: 'Client', entityId: clientId, clientId, unitId }, current, { addressNonDisclosure: true }, 'address non-disclosure set at intake', grant);
        }
      } else {
        const client = await store.insertClient({
          ...columns,
          personalIdentityCode: personalIdentityCode ?? null,
          dateOfBirth: dateOfBirth ?? null,
          organisationId: unit.organisationId,
        } as Parameters<ClientWriteStore['insertClient']>[0]);
        clientId = client.id;
        w.change({ entityType: 'Client', entityId: clientId, clientId, unitId }, written, 'CREATE', grant);
      }
      // Taking on a person the unit already serves changes nothing: the same answer as a new intake. The
      // person's row is locked first, so that an intake and an opening of the same unit take turns.
      if (existing) await w.lock(clients, existing.id);
      if (!(await store.openRelationshipOf(clientId, unitId))) {
        const relationship = await store.insertRelationship({
          clientId,
          unitId,
          serviceTask: unit.serviceTask,
          startedOn: startedOn ?? today(),
          responsibleWorkerId: null,
        });
        w.change({ entityType: 'ClientRelationship', entityId: relationship.id, clientId, unitId }, ['unit', 'startedOn'], 'CREATE', grant);
      }
      return clientId;
    });
  }

  /**
   * Keeps what it replaces (history.revisions, issue 11) with `reason` — 'update' when none is given (the
   * stable API keeps reason optional).
   */
  updateClient(id: string, version: number, fields: Parameters<typeof toClientColumns>[0], reason?: string | null): Promise<string> {
    const columns = toClientColumns(fields);
    return this.run(async (w) => {
      const client = await w.client(id);
      const target: AuditTarget = { entityType: 'Client', entityId: id, clientId: id };
      const grant = w.authorizeOn(client, 'update', 'Client', client, changedFields(columns), target);
      const current = await w.lock(clients, id);
      if (!current) throw notFound('Client', id);
      if (current['version'] !== version) {
        throw conflict(`Client was changed by someone else (you had version ${version}); reload it and try again.`, {
          currentVersion: current['version'],
        });
      }
      await this.revise(w, { ...target, entityId: id }, current, columns, reason ?? 'update', grant);
      return id;
    });
  }

  /**
   * An update of a client that keeps the values it replaces; the log names GraphQL fields (address, not its
   * columns). An update that changes nothing still bumps the version and is logged, as before issue 11.
   */
  private async revise(w: AuditedWrite, target: AuditTarget & { entityId: string }, current: Record<string, unknown>, patch: Record<string, unknown>, reason: string, grant: PolicyGrant | undefined) {
    const columns = changedColumns(current, patch);
    if (columns.length === 0) {
      await w.tx.update(clients).set({ version: sql`${clients.version} + 1`, updatedAt: new Date() }).where(eq(clients.id, target.entityId));
      w.change(target, changedFields(patch), 'UPDATE', grant);
      return;
    }
    const logFields = changedFields(Object.fromEntries(columns.map((c) => [c, patch[c]])));
    await w.revise(target, clients, current, patch, { fields: columns, logFields, reason, grant });
  }

  /** Address non-disclosure (turvakielto) is set or lifted only by a manager of a serving unit, or the registrar. */
  setAddressNonDisclosure(id: string, value: boolean): Promise<string> {
    return this.run(async (w) => {
      const client = await w.client(id);
      const target: AuditTarget = { entityType: 'Client', entityId: id, clientId: id };
      const grant = w.authorizeOn(client, 'update', 'Client', client, ['addressNonDisclosure'], target);
      const current = await w.lock(clients, id);
      if (!current) throw changedMeanwhile();
      await this.revise(w, { ...target, entityId: id }, current, { addressNonDisclosure: value }, value ? 'address non-disclosure set' : 'address non-disclosure lifted', grant);
      return id;
    });
  }

  openRelationship(input: { clientId: string; unitId: string; startedOn?: string | null; responsibleWorkerId?: string | null }): Promise<string> {
    assertStartNotFuture(input.startedOn, 'input.startedOn');
    return this.run(async (w, store) => {
      const client = await w.client(input.clientId);
      const target: AuditTarget = { entityType: 'ClientRelationship', entityId: null, clientId: client.id, unitId: input.unitId };
      const fields = ['clientId', 'unitId', 'startedOn', ...(input.responsibleWorkerId ? ['responsibleWorkerId'] : [])];
      const row = { unitId: input.unitId, via: client.via, organisationId: client.organisationId };
      const grant = w.authorizeOn(client, 'create', 'ClientRelationship', row, fields, target);
      const unit = await store.unit(input.unitId);
      if (!unit || unit.organisationId !== client.organisationId) throw badInput('input.unitId', 'is not a unit of the client’s organisation');
      if (input.responsibleWorkerId) await this.assertWorkerOf(store.db, input.responsibleWorkerId, unit.id, 'input.responsibleWorkerId');
      // One open relationship per unit and client (as intake keeps it): a second would outlive the first's end.
      // The client's row is locked first, so that two openings (or an opening and an intake) take turns.
      await w.lock(clients, client.id);
      if (await store.openRelationshipOf(client.id, unit.id)) {
        throw conflict('The unit already serves this client (an open relationship); end it before opening another.', { reason: 'ALREADY_OPEN' });
      }
      const relationship = await store.insertRelationship({
        clientId: client.id,
        unitId: unit.id,
        serviceTask: unit.serviceTask,
        startedOn: input.startedOn ?? today(),
        responsibleWorkerId: input.responsibleWorkerId ?? null,
      });
      w.change({ ...target, entityId: relationship.id }, ['unit', 'startedOn', ...(input.responsibleWorkerId ? ['responsibleWorkerName'] : [])], 'CREATE', grant);
      return relationship.id;
    });
  }

  endRelationship(id: string, endedOn: string): Promise<string> {
    return this.run(async (w, store) => {
      const { found, client } = await this.relationshipSubject(w, store, id);
      const target: AuditTarget = { entityType: 'ClientRelationship', entityId: id, clientId: found.clientId, unitId: found.unitId };
      const grant = w.authorizeOn(client, 'update', 'ClientRelationship', { ...found, organisationId: client.organisationId }, ['endedOn'], target, () =>
        notFound('ClientRelationship', id),
      );
      if (endedOn < found.startedOn) throw badInput('endedOn', `must not be before the start, ${found.startedOn}`);
      // The end date decides when the client is archived: no future ends, and backdating only within a
      // month, so that no one can archive a client (or keep one from the archive) with a date.
      // The day is a day in Finland (kit/finnish-date.ts).
      if (endedOn > todayInFinland()) throw badInput('endedOn', 'must not be in the future; end the relationship on the day it ends');
      if (endedOn < addDays(todayInFinland(), -MAX_BACKDATING_DAYS)) throw badInput('endedOn', `may be backdated by at most ${MAX_BACKDATING_DAYS} days; ask the registrar to correct older dates`);
      // Locked, then checked: two ends of one relationship queue up and the second is told it has ended.
      const current = await w.lock(clientRelationships, id);
      if (!current || current['endedOn'] !== null) throw conflict(`The relationship has already ended.`);
      await w.revise({ ...target, entityId: id }, clientRelationships, current, { endedOn }, { fields: ['endedOn'], reason: 'ended', grant });
      return id;
    });
  }

  /** Who is responsible decides who reads a non-disclosure client's contact data: the unit manager's call. */
  assignResponsibleWorker(relationshipId: string, userId: string | null): Promise<string> {
    return this.run(async (w, store) => {
      const { found, client } = await this.relationshipSubject(w, store, relationshipId);
      const target: AuditTarget = { entityType: 'ClientRelationship', entityId: found.id, clientId: found.clientId, unitId: found.unitId };
      const grant = w.authorizeOn(client, 'update', 'ClientRelationship', { ...found, organisationId: client.organisationId }, ['responsibleWorkerId'], target, () =>
        notFound('ClientRelationship', relationshipId),
      );
      if (found.endedOn) throw conflict('The relationship has ended; open a new one to assign a responsible worker.');
      if (userId) await this.assertWorkerOf(store.db, userId, found.unitId, 'userId');
      const current = await w.lock(clientRelationships, found.id);
      if (!current || current['endedOn'] !== null) throw conflict('The relationship has ended; open a new one to assign a responsible worker.');
      const patch = { responsibleWorkerId: userId };
      const fields = changedFieldsOf(current, patch);
      // The log names the field read (responsibleWorkerName); naming the same worker again is logged too.
      if (fields.length === 0) w.change(target, ['responsibleWorkerName'], 'UPDATE', grant);
      else await w.revise({ ...target, entityId: found.id }, clientRelationships, current, patch, { fields, logFields: ['responsibleWorkerName'], reason: 'responsible worker assigned', grant });
      return found.id;
    });
  }

  /**
   * A relationship and its client for a write. A relationship the actor's row scope does not reach is
   * treated as unknown, unless the actor's refusal is the policy's to decide (the registrar's intake
   * administration): then the client's visibility decides hidden or refused.
   */
  private async relationshipSubject(w: AuditedWrite, store: ClientWriteStore, id: string) {
    const found = isUuid(id) ? await store.relationship(id, this.ctx.loaders.scope.relationship) : undefined;
    const unknown = () => notFound('ClientRelationship', id);
    if (!found) throw unknown();
    const client = await w.client(found.clientId, unknown);
    // The relationship's own grants (`via`): staff change only relationships their grant sees — an
    // archived one, or another unit's, is unknown to them.
    const [seen] = found.visible ? await this.ctx.grants.attach('ClientRelationship', [found], w.tx) : [{ ...found, via: [] as string[] }];
    return { found: seen!, client: { ...client, visible: client.visible && found.visible } };
  }

  private async assertWorkerOf(db: Queryable, userId: string, unitId: string, field: string) {
    const now = new Date();
    const rows = isUuid(userId)
      ? await db
          .select({ id: grants.id })
          .from(grants)
          .where(
            and(
              eq(grants.userId, userId),
              eq(grants.unitId, unitId),
              inArray(grants.role, ['SOCIAL_WORKER', 'MANAGER']),
              isNull(grants.revokedAt),
              lte(grants.validFrom, now),
              or(isNull(grants.validUntil), gt(grants.validUntil, now)),
            ),
          )
          .limit(1)
      : [];
    if (rows.length === 0) throw badInput(field, 'is not a social worker or manager of the unit with a valid grant');
  }

  private async run<T>(work: (w: AuditedWrite, store: ClientWriteStore) => Promise<T>): Promise<T> {
    try {
      return await audited(this.ctx, (w) => work(w, new ClientWriteStore(w.tx)));
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict('The record was written by someone else at the same time; reload and try again.');
      throw error;
    }
  }
}

/**
 * A relationship starts today or earlier: a start in the future could never be ended (an end is never before
 * the start, nor in the future), and so would keep the client from the archive with a date.
 */
function assertStartNotFuture(startedOn: string | null | undefined, field: string): void {
  if (startedOn && startedOn > todayInFinland()) throw badInput(field, 'must not be in the future; open the relationship on the day the service starts');
}
