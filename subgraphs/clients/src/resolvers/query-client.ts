import type { QueryResolvers } from '../generated/resolvers-types';

export const client: QueryResolvers['client'] = (_root, { id }, { loaders }) =>
  isUuid(id) ? loaders.client.load(id) : null;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A malformed id names no client: answer as for an unknown one instead of failing in SQL. */
export const isUuid = (value: string) => UUID_RE.test(value);
