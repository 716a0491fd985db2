import { ClientService } from '../client-service';
import type { MutationResolvers } from '../generated/resolvers-types';
import { relationshipAnswer } from './relationship-answer';

export const openRelationship: MutationResolvers['openRelationship'] = async (_root, { input }, ctx) =>
  // The caller's own unit's relationship: always readable by it once written.
  (await relationshipAnswer(ctx, await new ClientService(ctx).openRelationship(input)))!;
