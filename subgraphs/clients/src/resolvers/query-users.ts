import { cursorCodec, forbidden, pageSize, rowScope, toConnection } from '@vartija/kit';
import { AccessAdminStore } from '../access-admin-store';
import type { QueryResolvers } from '../generated/resolvers-types';

/** REGISTRAR: its organisation's users; a unit's MANAGER: users holding a grant in its unit (row scope). */
export const users: QueryResolvers['users'] = async (_root, { filter, first, after }, { actor, ability, audit, db }) => {
  // Any rule on User (its rows are then limited in SQL); none: refused and logged.
  if (!ability.can('access', 'User')) {
    audit.deny({ entityType: 'User', entityId: null, clientId: null }, null, 'READ', 'access administration not permitted');
    throw forbidden('Only the registrar, or a unit manager for its unit, lists users');
  }
  const size = pageSize(first);
  const cursors = cursorCodec({ actorId: actor.id, list: 'users', filter });
  const scope = rowScope(ability, 'User');
  const store = new AccessAdminStore(db);
  const values = { loginPrefix: filter?.loginPrefix ?? null, unitId: filter?.unitId ?? null, active: filter?.active ?? null };
  const rows = await store.usersPage(values, scope, size + 1, after ? cursors.decode(after) : null);
  return toConnection(rows, size, (u) => ({ key: u.login, id: u.id }), () => store.countUsers(values, scope), cursors);
};
