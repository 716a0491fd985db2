import type { DisclosureResolvers } from '../generated/resolvers-types';

export const Disclosure: DisclosureResolvers = {
  documents: (d, _args, { loaders }) => loaders.disclosureDocuments.load(d.id),
};
