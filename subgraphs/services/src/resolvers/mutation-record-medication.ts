import { parseInput } from '@vartija/kit';
import type { MutationResolvers } from '../generated/resolvers-types';
import { recordMedicationInput } from '../record-input';
import { ServiceRecordService } from '../service-record-service';

export const recordMedication: MutationResolvers['recordMedication'] = async (_root, args, ctx) => {
  const input = parseInput(recordMedicationInput, args.input);
  const id = await new ServiceRecordService(ctx).recordMedication(input);
  return (await ctx.loaders.medication.clear(id).load(id))!;
};
