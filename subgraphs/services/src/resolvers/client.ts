import type { ClientResolvers } from '../generated/resolvers-types';

export const Client: ClientResolvers = {
  // Clients are owned by the clients subgraph; the lists below carry their own row scope.
  __resolveReference: (ref) => ({ id: ref.id }),
  decisions: (c, _args, { loaders }) => loaders.decisions.load(c.id),
  placements: (c, _args, { loaders }) => loaders.placements.load(c.id),
  restrictions: (c, _args, { loaders }) => loaders.restrictions.load(c.id),
  assistanceRequests: (c, _args, { loaders }) => loaders.assistanceRequests.load(c.id),
  medications: (c, _args, { loaders }) => loaders.medications.load(c.id),
  paymentCommitments: (c, _args, { loaders }) => loaders.paymentCommitments.load(c.id),
};
