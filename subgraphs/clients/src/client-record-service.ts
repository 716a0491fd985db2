import { commissions, consents, guardians } from '@vartija/db';
import {
  audited,
  type AuditedWrite,
  type AuditTarget,
  badInput,
  changedFields,
  type ClientSubject,
  conflict,
  isUniqueViolation,
  isUuid,
  notFound,
  type RequestContext,
  todayInFinland,
} from '@vartija/kit';
import { ClientRecordStore } from './client-record-store';
import { type GuardianInput, guardianFieldsOf, type StartCommissionInput, toGuardianColumns } from './client-record-input';
import type { Loaders } from './loaders';

type Ctx = RequestContext<Loaders>;
const today = () => new Date().toISOString().slice(0, 10);

export interface GiveConsentCommand {
  unitId: string;
  recipientOrganisationId?: string | null;
  recipientName: string;
  purpose: string;
  scope: string[];
  givenOn?: string | null;
}

/** A guardian as the write rules see it: part of its client (roles.ts clientRecordWrites). */
const guardianSubject = (client: ClientSubject) => ({
  clientId: client.id,
  via: client.via,
  servingUnitIds: client.servingUnitIds,
  clientAddressNonDisclosure: client.addressNonDisclosure,
  clientResponsibleWorkerIds: client.responsibleWorkerIds,
});

/**
 * Client records kept by a unit (issue 11): guardians and the other people a record names, consents and
 * commissions. Each write is one audited write (kit/write-service.ts); updates keep what they replace
 * (history.revisions) through w.lock / w.revise. Returns ids; resolvers read the answer back.
 */
export class ClientRecordService {
  constructor(private readonly ctx: Ctx) {}

  addGuardian(clientId: string, input: GuardianInput): Promise<string> {
    const columns = toGuardianColumns(input);
    const fields = guardianFieldsOf(Object.keys(columns));
    return this.run(async (w, store) => {
      const client = await w.client(clientId);
      const target: AuditTarget = { entityType: 'Guardian', entityId: null, clientId: client.id };
      const grant = w.authorizeOn(client, 'create', 'Guardian', guardianSubject(client), fields, target);
      const row = await store.insertGuardian({ ...(columns as typeof guardians.$inferInsert), clientId: client.id });
      w.change({ ...target, entityId: row.id }, fields, 'CREATE', grant);
      return row.id;
    });
  }

  updateGuardian(id: string, expectedVersion: number, input: GuardianInput, reason: string): Promise<{ id: string; clientId: string }> {
    const patch = toGuardianColumns(input);
    return this.run(async (w) => {
      const current = await w.lock(guardians, id);
      if (!current) throw notFound('Guardian', id);
      const clientId = String(current['clientId']);
      const found = await w.client(clientId, () => notFound('Guardian', id));
      // A guardian is seen by those who read the client's guardians (FAMILY): to anyone else it is unknown.
      const client = { ...found, visible: found.visible && this.readsGuardians(found) };
      const columns = changedFields(current, patch);
      const fields = guardianFieldsOf(columns);
      const target: AuditTarget = { entityType: 'Guardian', entityId: id, clientId };
      const grant = w.authorizeOn(client, 'update', 'Guardian', guardianSubject(client), fields, target, () => notFound('Guardian', id));
      await w.revise({ ...target, entityId: id }, guardians, current, patch, { fields: columns, logFields: fields, reason, grant, expectedVersion });
      return { id, clientId };
    });
  }

  giveConsent(clientId: string, input: GiveConsentCommand): Promise<string> {
    return this.run(async (w, store) => {
      const client = await w.client(clientId);
      const target: AuditTarget = { entityType: 'Consent', entityId: null, clientId: client.id, unitId: input.unitId };
      const subject = { unitId: input.unitId, clientId: client.id, via: client.via, servingUnitIds: client.servingUnitIds };
      const grant = w.authorizeOn(client, 'create', 'Consent', subject, null, target);
      if (input.recipientOrganisationId && !(await store.organisation(input.recipientOrganisationId))) {
        throw badInput('input.recipientOrganisationId', 'is not an organisation known to the register; leave it out and name the recipient');
      }
      // Calendar days the user gives are days in Finland (kit/finnish-date.ts).
      const givenOn = input.givenOn ?? todayInFinland();
      if (givenOn > todayInFinland()) throw badInput('input.givenOn', 'must not be in the future; record the consent when it is given');
      const row = await store.insertConsent({
        clientId: client.id,
        unitId: input.unitId,
        recipientOrganisationId: input.recipientOrganisationId ?? null,
        recipientName: input.recipientName,
        purpose: input.purpose,
        scope: input.scope,
        givenOn,
        recordedBy: w.actor.kind === 'USER' ? w.actor.id : null,
      });
      w.change({ ...target, entityId: row.id }, ['givenOn', 'purpose', 'recipientName', 'scope', 'unit'], 'CREATE', grant);
      return row.id;
    });
  }

  /** A withdrawal takes effect at once: what the consent allowed (e.g. a partner's health data) ends with it. */
  withdrawConsent(id: string, withdrawnOn: string | null | undefined): Promise<{ id: string; clientId: string }> {
    return this.run(async (w, store) => {
      const current = await w.lock(consents, id);
      if (!current) throw notFound('Consent', id);
      const clientId = String(current['clientId']);
      const unitId = (current['unitId'] as string | null) ?? null;
      const client = await w.client(clientId, () => notFound('Consent', id));
      const visible = client.visible && (await store.consentVisible(id, this.ctx.loaders.scope.consent));
      const target: AuditTarget = { entityType: 'Consent', entityId: id, clientId, unitId };
      const subject = { unitId, clientId, via: client.via, servingUnitIds: client.servingUnitIds };
      const grant = w.authorizeOn({ ...client, visible }, 'update', 'Consent', subject, ['withdrawnOn'], target, () => notFound('Consent', id));
      if (current['withdrawnOn']) throw conflict(`The consent was already withdrawn on ${String(current['withdrawnOn'])}.`);
      const on = withdrawnOn ?? todayInFinland();
      if (on > todayInFinland()) throw badInput('withdrawnOn', 'must not be in the future: a withdrawal takes effect when it is made');
      if (on < String(current['givenOn'])) throw badInput('withdrawnOn', `must not be before the consent was given, ${String(current['givenOn'])}`);
      await w.revise({ ...target, entityId: id }, consents, current, { withdrawnOn: on }, { fields: ['withdrawnOn'], reason: 'withdrawn', grant });
      return { id, clientId };
    });
  }

  startCommission(input: StartCommissionInput): Promise<string> {
    return this.run(async (w, store) => {
      const client = await w.client(input.clientId);
      const target: AuditTarget = { entityType: 'Commission', entityId: null, clientId: client.id, unitId: input.commissionerUnitId };
      const subject = { commissionerUnitId: input.commissionerUnitId, clientId: client.id, via: client.via, servingUnitIds: client.servingUnitIds };
      const grant = w.authorizeOn(client, 'create', 'Commission', subject, null, target);
      const partner = isUuid(input.partnerOrganisationId) ? await store.organisation(input.partnerOrganisationId) : undefined;
      if (!partner || partner.kind !== 'SERVICE_PROVIDER') {
        throw badInput('input.partnerOrganisationId', 'must be a service provider organisation (a partner), not a welfare region or an unknown id');
      }
      const row = await store.insertCommission({
        clientId: client.id,
        commissionerUnitId: input.commissionerUnitId,
        partnerOrganisationId: partner.id,
        kind: input.kind,
        startsOn: input.startsOn,
        endsOn: input.endsOn ?? null,
        partnerScopes: input.partnerScopes,
        createdBy: w.actor.kind === 'USER' ? w.actor.id : null,
      });
      const fields = ['commissionerUnit', 'kind', 'partner', 'partnerScopes', 'startsOn', ...(input.endsOn ? ['endsOn'] : [])].sort();
      w.change({ ...target, entityId: row.id }, fields, 'CREATE', grant);
      return row.id;
    });
  }

  /** Ending a commission (today or earlier) removes the partner's access at once. */
  endCommission(id: string, endsOn: string | null | undefined): Promise<{ id: string; clientId: string }> {
    return this.run(async (w, store) => {
      const current = await w.lock(commissions, id);
      if (!current) throw notFound('Commission', id);
      const clientId = String(current['clientId']);
      const unitId = String(current['commissionerUnitId']);
      const client = await w.client(clientId, () => notFound('Commission', id));
      const visible = client.visible && (await store.commissionVisible(id, this.ctx.loaders.scope.commission));
      const target: AuditTarget = { entityType: 'Commission', entityId: id, clientId, unitId };
      const subject = { commissionerUnitId: unitId, clientId, via: client.via, servingUnitIds: client.servingUnitIds };
      const grant = w.authorizeOn({ ...client, visible }, 'update', 'Commission', subject, ['endsOn'], target, () => notFound('Commission', id));
      const ended = current['endsOn'] as string | null;
      if (ended && ended < today()) throw conflict(`The commission already ended on ${ended}.`);
      const on = endsOn ?? today();
      if (on > today()) throw badInput('endsOn', 'must be today or earlier: a commission is ended when it ends (plan an end date when starting it)');
      const startsOn = String(current['startsOn']);
      if (on < startsOn) throw badInput('endsOn', `must not be before the start, ${startsOn}`);
      await w.revise({ ...target, entityId: id }, commissions, current, { endsOn: on }, { fields: ['endsOn'], reason: 'ended', grant });
      return { id, clientId };
    });
  }

  private readsGuardians(client: ClientSubject): boolean {
    // CASL's subject-type marker (what `subject('Client', row)` sets): the read rule is checked on the client row.
    return this.ctx.ability.can('read', { ...client, __caslSubjectType__: 'Client' } as never, 'guardians');
  }

  private async run<T>(work: (w: AuditedWrite, store: ClientRecordStore) => Promise<T>): Promise<T> {
    try {
      return await audited(this.ctx, (w) => work(w, new ClientRecordStore(w.tx)));
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict('The record was written by someone else at the same time; reload and try again.');
      throw error;
    }
  }
}
