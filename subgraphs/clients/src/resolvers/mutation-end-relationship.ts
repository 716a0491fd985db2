import { ClientService } from '../client-service';
import type { MutationResolvers } from '../generated/resolvers-types';
import { relationshipAnswer } from './relationship-answer';

export const endRelationship: MutationResolvers['endRelationship'] = async (_root, { id, endedOn }, ctx) =>
  (await relationshipAnswer(ctx, await new ClientService(ctx).endRelationship(id, endedOn))) ?? null;
