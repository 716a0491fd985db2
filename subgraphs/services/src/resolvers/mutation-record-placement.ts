import { badInput, isUuid, notFound, parseInput } from '@vartija/kit';
import type { MutationResolvers } from '../generated/resolvers-types';
import { placementFields, recordPlacementInput } from '../placement-input';
import { ServiceRecordService } from '../service-record-service';

export const recordPlacement: MutationResolvers['recordPlacement'] = async (_root, args, ctx) => {
  const { loaders } = ctx;
  const input = parseInput(recordPlacementInput, args.input);
  if (input.decisionId) {
    // Only decisions the actor may read exist for it (read before the write's transaction).
    const decision = isUuid(input.decisionId) ? await loaders.decision.load(input.decisionId) : null;
    if (!decision) throw notFound('Decision', input.decisionId);
    if (decision.clientId !== input.clientId) throw badInput('input.decisionId', 'must be a decision of the same client');
  }
  const id = await new ServiceRecordService(ctx).recordPlacement(
    {
      clientId: input.clientId,
      unitId: input.unitId,
      decisionId: input.decisionId ?? null,
      kind: input.kind,
      providerOrganisationId: input.providerOrganisationId ?? null,
      providerName: input.providerName,
      startsOn: input.startsOn,
      endsOn: input.endsOn ?? null,
    },
    placementFields(input),
  );
  return (await loaders.placement.clear(id).load(id))!;
};
