import type { ClientResolvers } from '../generated/resolvers-types';

export const Client: ClientResolvers = {
  // A client outside the actor's reach resolves to null here too, so its records are never read.
  __resolveReference: (ref, { loaders }) => loaders.visibleClient.load(ref.id),
  documents: async (c, { type }, { loaders }) => {
    const documents = await loaders.documents.load(c.id);
    return type ? documents.filter((d) => d.type === type) : documents;
  },
  disclosures: (c, _args, { loaders }) => loaders.disclosures.load(c.id),
  dataSubjectRequests: (c, _args, { loaders }) => loaders.dataSubjectRequests.load(c.id),
};
