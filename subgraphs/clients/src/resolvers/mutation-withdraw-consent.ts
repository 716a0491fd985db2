import { parseInput } from '@vartija/kit';
import { isoDate } from '../client-record-input';
import { ClientRecordService } from '../client-record-service';
import type { MutationResolvers } from '../generated/resolvers-types';
import { consentAnswer } from './client-record-answers';

export const withdrawConsent: MutationResolvers['withdrawConsent'] = async (_root, args, ctx) => {
  const withdrawnOn = parseInput(isoDate.nullish(), args.withdrawnOn, 'withdrawnOn');
  const { id, clientId } = await new ClientRecordService(ctx).withdrawConsent(args.id, withdrawnOn);
  return consentAnswer(ctx, clientId, id);
};
