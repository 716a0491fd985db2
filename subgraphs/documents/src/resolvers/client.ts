import type { ClientResolvers } from '../generated/resolvers-types';

export const Client: ClientResolvers = {
  // Clients are owned by the clients subgraph; the lists below carry their own row scope.
  __resolveReference: (ref) => ({ id: ref.id }),
  documents: async (c, { type }, { loaders }) => {
    const documents = await loaders.documents.load(c.id);
    return type ? documents.filter((d) => d.type === type) : documents;
  },
  disclosures: (c, _args, { loaders }) => loaders.disclosures.load(c.id),
  dataSubjectRequests: (c, _args, { loaders }) => loaders.dataSubjectRequests.load(c.id),
};
