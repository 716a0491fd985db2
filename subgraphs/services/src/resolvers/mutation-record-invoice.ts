import { parseInput } from '@vartija/kit';
import type { MutationResolvers } from '../generated/resolvers-types';
import { recordInvoiceInput } from '../record-input';
import { ServiceRecordService } from '../service-record-service';

export const recordInvoice: MutationResolvers['recordInvoice'] = async (_root, args, ctx) => {
  const input = parseInput(recordInvoiceInput, args.input);
  const id = await new ServiceRecordService(ctx).recordInvoice(input);
  return (await ctx.loaders.invoice.clear(id).load(id))!;
};
