import { decisions, paymentCommitments, placements } from '@vartija/db';
import { type AuditedWrite, type AuditTarget, audited, badInput, changedFields, conflict, isUuid, notFound, type RequestContext } from '@vartija/kit';
import type { Loaders } from './loaders';
import type {
  CareDaysInput,
  RecordAssistanceRequestInput,
  RecordInvoiceInput,
  RecordMedicationInput,
  RecordPaymentCommitmentInput,
  RecordRestrictionInput,
  UpdateDecisionInput,
  UpdatePlacementInput,
} from './record-input';
import { ServiceWriteStore } from './service-write-store';

type DecisionRow = typeof decisions.$inferSelect;
type PlacementRow = typeof placements.$inferSelect;
type CommitmentRow = typeof paymentCommitments.$inferSelect;

type Ctx = RequestContext<Loaders>;
const today = () => new Date().toISOString().slice(0, 10);

export interface DecisionCommand {
  clientId: string;
  unitId: string;
  type: Parameters<ServiceWriteStore['insertDecision']>[0]['type'];
  legalAct: string;
  legalSection: string;
  decidedAt: Date;
  content: string;
}

export type PlacementCommand = Omit<Parameters<ServiceWriteStore['insertPlacement']>[0], 'id' | 'createdAt'>;

/**
 * Writes of the services subgraph as audited writes (kit/write-service.ts): the policy decides on the
 * full subject — the unit, the client, whether the unit serves it — and the entries commit with the row.
 */
export class ServiceRecordService {
  constructor(private readonly ctx: Ctx) {}

  recordDecision(input: DecisionCommand, fields: readonly string[]): Promise<string> {
    return audited(this.ctx, async (w) => {
      const client = await w.client(input.clientId);
      const target: AuditTarget = { entityType: 'Decision', entityId: null, clientId: client.id, unitId: input.unitId };
      const grant = w.authorizeOn(client, 'create', 'Decision', { unitId: input.unitId, servingUnitIds: client.servingUnitIds }, null, target);
      const decision = await new ServiceWriteStore(w.tx).insertDecision({
        ...input,
        decisionMakerId: w.actor.kind === 'USER' ? w.actor.id : null,
      });
      w.change({ ...target, entityId: decision.id }, fields, 'CREATE', grant);
      return decision.id;
    });
  }

  recordPlacement(input: PlacementCommand, fields: readonly string[]): Promise<string> {
    return audited(this.ctx, async (w) => {
      const store = new ServiceWriteStore(w.tx);
      const client = await w.client(input.clientId);
      const target: AuditTarget = { entityType: 'Placement', entityId: null, clientId: client.id, unitId: input.unitId };
      const grant = w.authorizeOn(client, 'create', 'Placement', { unitId: input.unitId, servingUnitIds: client.servingUnitIds }, null, target);
      if (input.providerOrganisationId && !(await store.organisationExists(input.providerOrganisationId))) {
        throw notFound('Organisation', input.providerOrganisationId);
      }
      const placement = await store.insertPlacement(input);
      w.change({ ...target, entityId: placement.id }, fields, 'CREATE', grant);
      return placement.id;
    });
  }

  /** Lifecycle change of a placement: its end date, kept in the history with the reason 'ended'. */
  endPlacement(id: string, endsOn: string): Promise<string> {
    return audited(this.ctx, async (w) => {
      const { current, client, target } = await this.lockRecord<PlacementRow>(w, placements, 'Placement', id);
      const grant = w.authorizeOn(client, 'update', 'Placement', { ...current, via: client.via }, ['endsOn'], target, () => notFound('Placement', id));
      // A planned end date may still be moved; one already passed is history.
      if (current.endsOn && current.endsOn < today()) throw conflict(`The placement already ended on ${current.endsOn}.`);
      if (endsOn < current.startsOn) throw badInput('endsOn', `must not be before the start, ${current.startsOn}`);
      const patch = { endsOn };
      await w.revise(target, placements, current, patch, { fields: changedFields(current, patch), reason: 'ended', grant });
      return id;
    });
  }

  // --- records of the unit's staff (SOCIAL_WORKER / MANAGER of a unit serving the client) -----------

  recordRestriction(input: RecordRestrictionInput): Promise<string> {
    const fields = ['endsAt', 'kind', 'reason', 'startsAt'];
    return this.recordInUnit('Restriction', input, fields, (store, decidedBy) =>
      store.insertRestriction({ ...input, placementId: input.placementId ?? null, endsAt: input.endsAt ?? null, decidedBy }),
    );
  }

  recordAssistanceRequest(input: RecordAssistanceRequestInput): Promise<string> {
    const fields = ['reason', 'requestedAt', 'requestedFrom', 'status'];
    return this.recordInUnit('AssistanceRequest', input, fields, (store, requestedBy) =>
      store.insertAssistanceRequest({ ...input, status: 'REQUESTED', requestedBy }),
    );
  }

  recordMedication(input: RecordMedicationInput): Promise<string> {
    const fields = ['dose', 'givenAt', 'givenBy', 'medicine'];
    return this.recordInUnit('Medication', input, fields, (store) => store.insertMedication({ ...input, placementId: input.placementId ?? null }));
  }

  /**
   * A record about a client made in a unit (the write subject of recordDecision: `{ unitId,
   * servingUnitIds }`). A placement it names must be one the caller may read, of the same client.
   */
  private recordInUnit(
    type: 'Restriction' | 'AssistanceRequest' | 'Medication',
    input: { clientId: string; unitId: string; placementId?: string | null },
    fields: string[],
    insert: (store: ServiceWriteStore, userId: string | null) => Promise<{ id: string }>,
  ): Promise<string> {
    return audited(this.ctx, async (w) => {
      const store = new ServiceWriteStore(w.tx);
      const client = await w.client(input.clientId);
      const target: AuditTarget = { entityType: type, entityId: null, clientId: client.id, unitId: input.unitId };
      const grant = w.authorizeOn(client, 'create', type, { unitId: input.unitId, servingUnitIds: client.servingUnitIds }, null, target);
      if (input.placementId) await this.placementOfClient(store, input.placementId, client.id, 'input.placementId');
      const row = await insert(store, w.actor.kind === 'USER' ? w.actor.id : null);
      w.change({ ...target, entityId: row.id }, fields, 'CREATE', grant);
      return row.id;
    });
  }

  // --- financial records (BILLING of the client's organisation, or the MANAGER of the unit) ---------

  /** Care days of a placement, all or nothing: a day already recorded is a CONFLICT naming it. */
  recordCareDays(placementId: string, days: CareDaysInput): Promise<string[]> {
    return audited(this.ctx, async (w) => {
      const store = new ServiceWriteStore(w.tx);
      // The placement's row stays locked: two callers recording the same day queue up, the second gets CONFLICT.
      const { current: placement, client } = await this.lockRecord<PlacementRow>(w, placements, 'Placement', placementId);
      const target = { entityType: 'CareDay' as const, entityId: null, clientId: client.id, unitId: placement.unitId };
      const subject = { unitId: placement.unitId, servingUnitIds: client.servingUnitIds, via: client.via };
      const grant = w.authorizeOn(client, 'create', 'CareDay', subject, null, target, () => notFound('Placement', placementId));
      days.forEach((d, i) => {
        if (d.day < placement.startsOn) throw badInput(`days.${i}.day`, `must not be before the placement started, ${placement.startsOn}`);
        if (placement.endsOn && d.day > placement.endsOn) throw badInput(`days.${i}.day`, `must not be after the placement ended, ${placement.endsOn}`);
      });
      const recorded = await store.recordedCareDays(placementId, days.map((d) => d.day));
      if (recorded.length > 0) {
        throw conflict(`Care day ${recorded.join(', ')} is already recorded for this placement; recorded days are not overwritten, so nothing was recorded.`, {
          days: recorded,
        });
      }
      const rows = await store.insertCareDays(days.map((d) => ({ placementId, day: d.day, costCents: d.costCents })));
      for (const row of rows) w.change({ ...target, entityId: row.id }, ['costCents', 'day'], 'CREATE', grant);
      return rows.map((r) => r.id);
    });
  }

  recordPaymentCommitment(input: RecordPaymentCommitmentInput): Promise<string> {
    return audited(this.ctx, async (w) => {
      const store = new ServiceWriteStore(w.tx);
      const client = await w.client(input.clientId);
      const target = { entityType: 'PaymentCommitment' as const, entityId: null, clientId: client.id, unitId: input.unitId };
      const subject = { unitId: input.unitId, servingUnitIds: client.servingUnitIds, via: client.via };
      const grant = w.authorizeOn(client, 'create', 'PaymentCommitment', subject, null, target);
      // BILLING is organisation-wide: the unit named must be one the client is (or was) a client of.
      if (!isUuid(input.unitId) || !(await store.hasRelationship(client.id, input.unitId))) {
        throw badInput('input.unitId', 'must be a unit the client has a relationship with');
      }
      if (input.placementId) await this.placementOfClient(store, input.placementId, client.id, 'input.placementId');
      if (input.providerOrganisationId && !(isUuid(input.providerOrganisationId) && (await store.organisationExists(input.providerOrganisationId)))) {
        throw notFound('Organisation', input.providerOrganisationId);
      }
      const row = await store.insertPaymentCommitment({
        clientId: client.id,
        unitId: input.unitId,
        placementId: input.placementId ?? null,
        providerOrganisationId: input.providerOrganisationId ?? null,
        amountCents: input.amountCents,
        validFrom: input.validFrom,
        validUntil: input.validUntil ?? null,
      });
      const fields = ['amountCents', 'validFrom', ...(input.providerOrganisationId ? ['provider'] : []), ...(input.validUntil ? ['validUntil'] : [])].sort();
      w.change({ ...target, entityId: row.id }, fields, 'CREATE', grant);
      return row.id;
    });
  }

  recordInvoice(input: RecordInvoiceInput): Promise<string> {
    return audited(this.ctx, async (w) => {
      const store = new ServiceWriteStore(w.tx);
      const id = input.paymentCommitmentId;
      const commitment: CommitmentRow | undefined = isUuid(id) ? await store.paymentCommitmentById(id) : undefined;
      if (!commitment) throw notFound('PaymentCommitment', id);
      const client = await w.client(commitment.clientId, () => notFound('PaymentCommitment', id));
      const visible = await store.visible(paymentCommitments, id, this.ctx.loaders.scope.paymentCommitment);
      const target = { entityType: 'Invoice' as const, entityId: null, clientId: client.id, unitId: commitment.unitId };
      const subject = { unitId: commitment.unitId, servingUnitIds: client.servingUnitIds, via: client.via };
      const grant = w.authorizeOn({ ...client, visible }, 'create', 'Invoice', subject, null, target, () => notFound('PaymentCommitment', id));
      if (input.periodStart < commitment.validFrom) throw badInput('input.periodStart', `must not be before the commitment is valid, ${commitment.validFrom}`);
      if (commitment.validUntil && input.periodEnd > commitment.validUntil) {
        throw badInput('input.periodEnd', `must not be after the commitment ends, ${commitment.validUntil}`);
      }
      const row = await store.insertInvoice({
        paymentCommitmentId: id,
        providerOrganisationId: commitment.providerOrganisationId,
        periodStart: input.periodStart,
        periodEnd: input.periodEnd,
        amountCents: input.amountCents,
        status: input.status ?? 'DRAFT',
      });
      w.change({ ...target, entityId: row.id }, ['amountCents', 'periodEnd', 'periodStart', 'status'], 'CREATE', grant);
      return row.id;
    });
  }

  // --- notification and corrections (the record's own unit, client visible through that grant) -----

  /** Tiedoksianto: a lifecycle change kept in the history with the reason 'notified'. */
  setDecisionNotified(id: string, notifiedOn: string, method: string): Promise<string> {
    return audited(this.ctx, async (w) => {
      const { current, client, target } = await this.lockRecord<DecisionRow>(w, decisions, 'Decision', id);
      const patch = { notifiedOn, notificationMethod: method };
      const grant = w.authorizeOn(client, 'update', 'Decision', { ...current, via: client.via }, Object.keys(patch), target, () => notFound('Decision', id));
      // Dates are UTC calendar days, as everywhere in the register.
      const decidedOn = current.decidedAt.toISOString().slice(0, 10);
      if (notifiedOn < decidedOn) throw badInput('notifiedOn', `must not be before the decision was made, ${decidedOn}`);
      await w.revise(target, decisions, current, patch, { fields: changedFields(current, patch), reason: 'notified', grant });
      return id;
    });
  }

  updateDecision(id: string, expectedVersion: number, patch: UpdateDecisionInput, reason: string): Promise<string> {
    return audited(this.ctx, async (w) => {
      const { current, client, target } = await this.lockRecord<DecisionRow>(w, decisions, 'Decision', id);
      const fields = changedFields(current, patch);
      const asked = fields.length > 0 ? fields : Object.keys(patch);
      const grant = w.authorizeOn(client, 'update', 'Decision', { ...current, via: client.via }, asked, target, () => notFound('Decision', id));
      await w.revise(target, decisions, current, patch, { fields, reason, grant, expectedVersion });
      return id;
    });
  }

  updatePlacement(id: string, expectedVersion: number, patch: UpdatePlacementInput, reason: string): Promise<string> {
    return audited(this.ctx, async (w) => {
      const { current, client, target } = await this.lockRecord<PlacementRow>(w, placements, 'Placement', id);
      const fields = changedFields(current, patch);
      const asked = fields.length > 0 ? fields : Object.keys(patch);
      const grant = w.authorizeOn(client, 'update', 'Placement', { ...current, via: client.via }, asked, target, () => notFound('Placement', id));
      const startsOn = patch.startsOn ?? current.startsOn;
      const endsOn = patch.endsOn === undefined ? current.endsOn : patch.endsOn;
      if (endsOn && endsOn < startsOn) throw badInput(patch.endsOn ? 'input.endsOn' : 'input.startsOn', `the placement must not end (${endsOn}) before it starts (${startsOn})`);
      await w.revise(target, placements, current, patch, { fields, reason, grant, expectedVersion });
      return id;
    });
  }

  /**
   * The record an update is about, locked until the write commits, and its client as the write rules see it
   * (`visible`: whether the caller may read the record itself). Unknown, or another register's: NOT_FOUND
   * naming the record, exactly as for an unknown id.
   */
  private async lockRecord<Row extends { id: string; clientId: string; unitId: string }>(
    w: AuditedWrite,
    table: typeof decisions | typeof placements,
    type: 'Decision' | 'Placement',
    id: string,
  ) {
    const current = (await w.lock(table, id)) as Row | undefined;
    if (!current) throw notFound(type, id);
    const client = await w.client(current.clientId, () => notFound(type, id));
    const scope = type === 'Decision' ? this.ctx.loaders.scope.decision : this.ctx.loaders.scope.placement;
    const visible = await new ServiceWriteStore(w.tx).visible(table, id, scope);
    const target: AuditTarget & { entityId: string } = { entityType: type, entityId: id, clientId: current.clientId, unitId: current.unitId };
    return { current, client: { ...client, visible }, target };
  }

  /** A placement named by a record must be one the caller may read (else NOT_FOUND), of the same client. */
  private async placementOfClient(store: ServiceWriteStore, placementId: string, clientId: string, field: string): Promise<void> {
    const placement = isUuid(placementId) ? await store.placement(placementId, this.ctx.loaders.scope.placement) : undefined;
    if (!placement) throw notFound('Placement', placementId);
    if (placement.clientId !== clientId) throw badInput(field, 'must be a placement of the same client');
  }
}
