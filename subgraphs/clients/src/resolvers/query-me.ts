import type { QueryResolvers } from '../generated/resolvers-types';

export const me: QueryResolvers['me'] = (_root, _args, { actor }) => actor;
