import { parseInput } from '@vartija/kit';
import { giveConsentInput } from '../client-record-input';
import { ClientRecordService } from '../client-record-service';
import type { MutationResolvers } from '../generated/resolvers-types';
import { consentAnswer } from './client-record-answers';

export const giveConsent: MutationResolvers['giveConsent'] = async (_root, args, ctx) => {
  const id = await new ClientRecordService(ctx).giveConsent(args.clientId, parseInput(giveConsentInput, args.input));
  return consentAnswer(ctx, args.clientId, id);
};
