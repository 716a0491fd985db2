import { parseInput } from '@vartija/kit';
import type { MutationResolvers } from '../generated/resolvers-types';
import { retentionConfigurationInput } from '../lifecycle/retention-input';
import { RetentionService } from '../lifecycle/retention-service';

/** Replaces the organisation's retention classes and disposal schedule (issue 13 item 1): see lifecycle/retention-service.ts. */
export const setRetentionConfiguration: MutationResolvers['setRetentionConfiguration'] = (_root, { input, expectedVersion }, ctx) =>
  new RetentionService(ctx).setConfiguration(parseInput(retentionConfigurationInput, input), expectedVersion);
