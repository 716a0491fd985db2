import type { ClientResolvers } from '../generated/resolvers-types';

export const Client: ClientResolvers = {
  // A client outside the actor's reach resolves to null here too, so its records are never read.
  __resolveReference: (ref, { loaders }) => loaders.visibleClient.load(ref.id),
  decisions: (c, _args, { loaders }) => loaders.decisions.load(c.id),
  placements: (c, _args, { loaders }) => loaders.placements.load(c.id),
  restrictions: (c, _args, { loaders }) => loaders.restrictions.load(c.id),
  assistanceRequests: (c, _args, { loaders }) => loaders.assistanceRequests.load(c.id),
  medications: (c, _args, { loaders }) => loaders.medications.load(c.id),
  paymentCommitments: (c, _args, { loaders }) => loaders.paymentCommitments.load(c.id),
};
