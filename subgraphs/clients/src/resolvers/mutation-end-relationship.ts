import { ClientService } from '../client-service';
import type { MutationResolvers } from '../generated/resolvers-types';
import { relationshipAnswer } from './relationship-answer';

export const endRelationship: MutationResolvers['endRelationship'] = async (_root, { id, endedOn }, ctx) =>
  // The caller's own unit's relationship: always readable by it once written.
  (await relationshipAnswer(ctx, await new ClientService(ctx).endRelationship(id, endedOn)))!;
