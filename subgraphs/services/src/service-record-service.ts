import { audited, badInput, conflict, isUuid, notFound, type RequestContext } from '@vartija/kit';
import type { Loaders } from './loaders';
import { ServiceWriteStore } from './service-write-store';

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
      const target = { entityType: 'Decision', entityId: null, clientId: client.id, unitId: input.unitId };
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
      const target = { entityType: 'Placement', entityId: null, clientId: client.id, unitId: input.unitId };
      const grant = w.authorizeOn(client, 'create', 'Placement', { unitId: input.unitId, servingUnitIds: client.servingUnitIds }, null, target);
      if (input.providerOrganisationId && !(await store.organisationExists(input.providerOrganisationId))) {
        throw notFound('Organisation', input.providerOrganisationId);
      }
      const placement = await store.insertPlacement(input);
      w.change({ ...target, entityId: placement.id }, fields, 'CREATE', grant);
      return placement.id;
    });
  }

  endPlacement(id: string, endsOn: string): Promise<string> {
    return audited(this.ctx, async (w) => {
      const store = new ServiceWriteStore(w.tx);
      const current = isUuid(id) ? await store.placementById(id) : undefined;
      if (!current) throw notFound('Placement', id);
      const client = await w.client(current.clientId, () => notFound('Placement', id));
      const target = { entityType: 'Placement', entityId: id, clientId: current.clientId, unitId: current.unitId };
      const visible = await store.placement(id, this.ctx.loaders.scope.placement);
      const grant = w.authorizeOn({ ...client, visible: Boolean(visible) }, 'update', 'Placement', current, ['endsOn'], target, () =>
        notFound('Placement', id),
      );
      // A planned end date may still be moved; one already passed is history.
      if (current.endsOn && current.endsOn < today()) throw conflict(`The placement already ended on ${current.endsOn}.`);
      if (endsOn < current.startsOn) throw badInput('endsOn', `must not be before the start, ${current.startsOn}`);
      await store.endPlacement(id, endsOn);
      w.change(target, ['endsOn'], 'UPDATE', grant);
      return id;
    });
  }
}
