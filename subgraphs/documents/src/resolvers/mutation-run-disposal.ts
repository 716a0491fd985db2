import type { MutationResolvers } from '../generated/resolvers-types';
import { DisposalService } from '../lifecycle/disposal-service';

/** Disposal at `asOf`, or a dry run of it (issue 13 item 2): see lifecycle/disposal-service.ts. */
export const runDisposal: MutationResolvers['runDisposal'] = (_root, { asOf, dryRun }, ctx) => new DisposalService(ctx).run(asOf, dryRun);
