import { isRestrictedType } from '../document-input';
import type { DocumentResolvers } from '../generated/resolvers-types';

export const Document: DocumentResolvers = {
  unit: (d) => ({ id: d.unitId }),
  restricted: (d) => isRestrictedType(d.type),
  // Partner-authored documents have no user: the authoring organisation stands as the author.
  authorName: async (d, _args, { loaders }) =>
    d.authorId
      ? ((await loaders.userName.load(d.authorId))?.displayName ?? null)
      : ((await loaders.organisationName.load(d.authorOrganisationId))?.name ?? null),
  revision: (d) => d.currentRevision,
  revisions: (d, _args, { loaders }) => loaders.revisions.load(d.id),
};
