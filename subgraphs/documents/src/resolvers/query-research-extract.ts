import type { QueryResolvers } from '../generated/resolvers-types';
import { ResearchService } from '../lifecycle/research-service';

/** A pseudonymised extract under a research permit (seed 001): see research-service.ts. */
export const researchExtract: QueryResolvers['researchExtract'] = (_root, { permitId }, ctx) => new ResearchService(ctx).extract(permitId);
