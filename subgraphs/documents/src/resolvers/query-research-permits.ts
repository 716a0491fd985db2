import type { QueryResolvers } from '../generated/resolvers-types';
import { ResearchService } from '../lifecycle/research-service';

/** The organisation's research permits (REGISTRAR, AUDITOR). */
export const researchPermits: QueryResolvers['researchPermits'] = (_root, _args, ctx) => new ResearchService(ctx).permits();
