import { ClientService } from '../client-service';
import type { MutationResolvers } from '../generated/resolvers-types';
import { relationshipAnswer } from './relationship-answer';

export const assignResponsibleWorker: MutationResolvers['assignResponsibleWorker'] = async (_root, args, ctx) =>
  relationshipAnswer(ctx, await new ClientService(ctx).assignResponsibleWorker(args.relationshipId, args.userId ?? null));
