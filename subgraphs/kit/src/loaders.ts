import { clients, type Queryable, inList } from '@vartija/db';
import DataLoader from 'dataloader';
import { and, eq } from 'drizzle-orm';
import { type Actor, registerOrganisationOf } from './actor';
import { isUuid } from './ids';
import type { AppAbility } from './policy/ability';
import { type RowGrants, type WithVia } from './policy/row-grants';
import { rowScope } from './policy/row-scope';

/** One SQL `IN` per batch; missing ids resolve to null (invisible and nonexistent look the same). */
export function loaderById<Row extends { id: string }>(fetch: (ids: readonly string[]) => Promise<Row[]>) {
  return new DataLoader<string, Row | null>(async (ids) => {
    const byId = new Map((await fetch(ids)).map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/** One SQL `IN` per batch, rows grouped by a parent key in the order the query returned them. */
export function loaderGroupedBy<Row>(fetch: (keys: readonly string[]) => Promise<Row[]>, keyOf: (row: Row) => string) {
  return new DataLoader<string, Row[]>(async (keys) => {
    const groups = new Map<string, Row[]>(keys.map((key) => [key, []]));
    for (const row of await fetch(keys)) groups.get(keyOf(row))?.push(row);
    return keys.map((key) => groups.get(key) ?? []);
  });
}

/**
 * Which referenced clients the actor may access (and through which grants), one query per batch: subgraphs that extend Client
 * answer `_entities` for other clients exactly as for nonexistent ones.
 */
export function visibleClientLoader(db: Queryable, ability: AppAbility, grants: RowGrants) {
  return new DataLoader<string, WithVia<{ id: string }> | null>(async (ids) => {
    const scope = rowScope(ability, 'Client');
    const valid = ids.filter(isUuid);
    const rows = valid.length
      ? await db.select({ id: clients.id }).from(clients).where(and(inList(clients.id, valid), scope)).then(grants.of('Client'))
      : [];
    const visible = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => visible.get(id) ?? null);
  });
}

/**
 * Which of the named clients are in the register the actor works in (registerOrganisationOf: the staff's own
 * organisation, a partner token's issuing region), one query per batch: a refused look-up or reference is logged
 * naming a client only when it is (another organisation's client in this log would tell its auditors who is a
 * client there; a partner's refusals naming a client are its issuer's to read, policy/roles.ts logAttributedTo).
 */
export function ownClientLoader(db: Queryable, actor: Pick<Actor, 'kind' | 'organisationId' | 'issuerOrganisationId'>) {
  const organisationId = registerOrganisationOf(actor);
  return loaderById(async (ids) => {
    const valid = ids.filter(isUuid);
    if (valid.length === 0) return [];
    return db
      .select({ id: clients.id })
      .from(clients)
      .where(and(eq(clients.organisationId, organisationId), inList(clients.id, valid)));
  });
}
