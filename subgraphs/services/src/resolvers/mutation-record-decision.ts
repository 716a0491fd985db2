import { assertCan, isUuid, notFound, parseInput } from '@vartija/kit';
import { DECISION_FIELDS, recordDecisionInput } from '../decision-input';
import type { MutationResolvers } from '../generated/resolvers-types';
import { ServiceWriteStore } from '../service-write-store';

export const recordDecision: MutationResolvers['recordDecision'] = async (_root, args, ctx) => {
  const { actor, ability, audit, db, loaders } = ctx;
  const input = parseInput(recordDecisionInput, args.input);
  if (!isUuid(input.clientId)) throw notFound('Client', input.clientId);
  if (!isUuid(input.unitId)) throw notFound('Unit', input.unitId);
  // Archived or other units' clients are invisible: the same answer as an unknown id, before anything else.
  if (!(await loaders.visibleClient.load(input.clientId))) throw notFound('Client', input.clientId);
  assertCan({ ability, audit }, 'create', 'Decision', { unitId: input.unitId, clientId: input.clientId });
  return db.transaction(async (tx) => {
    const store = new ServiceWriteStore(tx);
    // A client the unit does not serve is invisible to it: same answer as an unknown id.
    if (!(await store.hasRelationship(input.clientId, input.unitId))) throw notFound('Client', input.clientId);
    const decision = await store.insertDecision({
      clientId: input.clientId,
      unitId: input.unitId,
      type: input.type,
      legalAct: input.legalAct,
      legalSection: input.legalSection,
      decidedAt: input.decidedAt,
      content: input.content,
      decisionMakerId: actor.kind === 'USER' ? actor.id : null,
    });
    audit.recordChange(
      { entityType: 'Decision', entityId: decision.id, clientId: decision.clientId, unitId: decision.unitId },
      DECISION_FIELDS,
      'CREATE',
    );
    await audit.flush(tx);
    loaders.decision.prime(decision.id, decision);
    return decision;
  });
};
