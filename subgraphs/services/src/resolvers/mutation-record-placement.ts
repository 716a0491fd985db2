import { assertCan, badInput, isUuid, notFound, parseInput } from '@vartija/kit';
import type { MutationResolvers } from '../generated/resolvers-types';
import { placementFields, recordPlacementInput } from '../placement-input';
import { ServiceWriteStore } from '../service-write-store';

export const recordPlacement: MutationResolvers['recordPlacement'] = async (_root, args, ctx) => {
  const { ability, audit, db, loaders } = ctx;
  const input = parseInput(recordPlacementInput, args.input);
  if (!isUuid(input.clientId)) throw notFound('Client', input.clientId);
  if (!isUuid(input.unitId)) throw notFound('Unit', input.unitId);
  // Archived or other units' clients are invisible: the same answer as an unknown id, before anything else.
  if (!(await loaders.visibleClient.load(input.clientId))) throw notFound('Client', input.clientId);
  assertCan({ ability, audit }, 'create', 'Placement', { unitId: input.unitId, clientId: input.clientId });
  if (input.decisionId) {
    // Only decisions the actor may read exist for it.
    const decision = isUuid(input.decisionId) ? await loaders.decision.load(input.decisionId) : null;
    if (!decision) throw notFound('Decision', input.decisionId);
    if (decision.clientId !== input.clientId) throw badInput('input.decisionId', 'must be a decision of the same client');
  }
  if (input.providerOrganisationId && !isUuid(input.providerOrganisationId)) {
    throw notFound('Organisation', input.providerOrganisationId);
  }
  return db.transaction(async (tx) => {
    const store = new ServiceWriteStore(tx);
    if (!(await store.hasRelationship(input.clientId, input.unitId))) throw notFound('Client', input.clientId);
    if (input.providerOrganisationId && !(await store.organisationExists(input.providerOrganisationId))) {
      throw notFound('Organisation', input.providerOrganisationId);
    }
    const placement = await store.insertPlacement({
      clientId: input.clientId,
      unitId: input.unitId,
      decisionId: input.decisionId ?? null,
      kind: input.kind,
      providerOrganisationId: input.providerOrganisationId ?? null,
      providerName: input.providerName,
      startsOn: input.startsOn,
      endsOn: input.endsOn ?? null,
    });
    audit.recordChange(
      { entityType: 'Placement', entityId: placement.id, clientId: placement.clientId, unitId: placement.unitId },
      placementFields(input),
      'CREATE',
    );
    await audit.flush(tx);
    loaders.placement.prime(placement.id, placement);
    return placement;
  });
};
