import { todayInFinland } from '@vartija/kit';
import type { DataSubjectRequestResolvers } from '../generated/resolvers-types';

const UNDECIDED = ['RECEIVED', 'EXTENDED'];

/** A request's fields (issue 12); rows are read under the row scope, each field under the read rules. */
export const DataSubjectRequest: DataSubjectRequestResolvers = {
  unit: (r) => (r.unitId ? { id: r.unitId } : null),
  client: (r) => ({ id: r.clientId }),
  overdue: (r) => UNDECIDED.includes(r.status) && (r.extendedDueOn ?? r.dueOn) < todayInFinland(),
  // Requests decided before issue 12: COMPLETED reads GRANTED, a refusal REFUSED.
  outcome: (r) => r.outcome ?? (r.status === 'COMPLETED' ? 'GRANTED' : r.status === 'REFUSED' ? 'REFUSED' : null),
  reasons: (r) => r.reasons ?? r.refusalReason,
  feeCharged: (r) => r.feeCharged,
  decidedByName: async (r, _args, { loaders }) => {
    const id = r.decidedBy ?? (r.decidedOn ? r.handledBy : null);
    return id ? ((await loaders.userName.load(id))?.displayName ?? null) : null;
  },
  objectionScope: (r) =>
    r.kind === 'OBJECTION'
      ? {
          allNotBasedOnLaw: r.objectionAllNonStatutory,
          recipientOrganisation: r.objectionRecipientOrganisationId ? { id: r.objectionRecipientOrganisationId } : null,
          recipientName: r.objectionRecipientName,
        }
      : null,
  correction: (r) =>
    r.correctedEntityType && r.correctedEntityId && r.correctedRevision !== null
      ? { entityType: r.correctedEntityType, entityId: r.correctedEntityId, revision: r.correctedRevision }
      : null,
};
