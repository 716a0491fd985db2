import { finnishDateOf, parseInput } from '@vartija/kit';
import type { MutationResolvers } from '../generated/resolvers-types';
import { researchPermitInput } from '../lifecycle/research-input';
import { ResearchService } from '../lifecycle/research-service';

/** Records a research permit (REGISTRAR); its expiry is checked against today in Finland on the request's clock. */
export const recordResearchPermit: MutationResolvers['recordResearchPermit'] = (_root, { input }, ctx) =>
  new ResearchService(ctx).record(parseInput(researchPermitInput(finnishDateOf(ctx.now())), input));
