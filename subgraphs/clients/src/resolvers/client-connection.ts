import type { ClientConnectionResolvers } from '../generated/resolvers-types';

export const ClientConnection: ClientConnectionResolvers = {
  // Counted only when asked for: a page without totalCount costs no COUNT query.
  totalCount: (connection) => connection.totalCount(),
};
