import type { MongoQuery } from '@casl/ability';
import { inList, type Queryable } from '@vartija/db';
import { sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Actor } from '../actor';
import { type AppAbility, defineGrantAbility, type PolicyGrant, policyGrantsOf, type Subject } from './ability';
import { rowScope, tableOf } from './row-scope';

/** Each grant's own ability, by the actor's shared ability (which stands for the actor and the day). */
const grantAbilitiesOf = new WeakMap<AppAbility, Map<string, AppAbility>>();

/** A loaded row, with the keys of the actor's grants through which it is visible. */
export type WithVia<T> = T & { via: string[] };

/**
 * Which of the actor's grants make each row visible (policy v2): read rules are bound to grants by a
 * `via` condition, so a field is readable only under a grant that sees its row. Every scoped loader
 * passes its rows through `attach`; a row without `via` has no readable field (fail closed).
 *
 * One grant (most users): every visible row is visible through it, no SQL. Several grants: one
 * statement per batch evaluates each grant's own row scope for the batch's ids.
 */
export class RowGrants {
  readonly grants: PolicyGrant[];
  private readonly byKey: Map<string, PolicyGrant>;
  private readonly abilities: Map<string, AppAbility>;

  constructor(
    private readonly db: Queryable,
    private readonly actor: Actor,
    /**
     * The actor's shared ability (cachedAbilityFor): each grant's own ability, and so its row scopes, are then
     * built once per actor and day rather than once per request. Without it, once per RowGrants.
     */
    shared?: AppAbility,
  ) {
    this.grants = policyGrantsOf(actor);
    this.byKey = new Map(this.grants.map((g) => [g.key, g]));
    let abilities = shared && grantAbilitiesOf.get(shared);
    if (!abilities) {
      abilities = new Map();
      if (shared) grantAbilitiesOf.set(shared, abilities);
    }
    this.abilities = abilities;
  }

  grant(key: string | null): PolicyGrant | undefined {
    return key === null ? undefined : this.byKey.get(key);
  }

  /** `rows.then(grants.of('Client'))`: sets `via` on each row (in place, so loader caches keep it). */
  of<T extends { id: string }>(subject: Subject): (rows: T[]) => Promise<WithVia<T>[]> {
    return (rows) => this.attach(subject, rows);
  }

  /** Rows must come from the actor's row scope (one grant: each is then visible through it). */
  async attach<T extends { id: string }>(subject: Subject, rows: T[], via: Queryable = this.db): Promise<WithVia<T>[]> {
    const out = rows as WithVia<T>[];
    if (this.grants.length <= 1) {
      const keys = this.grants.map((g) => g.key);
      for (const row of out) row.via = keys;
      return out;
    }
    if (rows.length === 0) return out;
    const table = tableOf(subject);
    const id = (table as unknown as Record<string, PgColumn>)['id']!;
    const cases = this.grants.map((g) => sql`CASE WHEN (${rowScope(this.abilityOf(g.key), subject)}) THEN ${g.key} END`);
    const found = await via
      .select({ id, via: sql<string[]>`array_remove(ARRAY[${sql.join(cases, sql`, `)}]::text[], NULL)` })
      .from(table)
      .where(inList(id, [...new Set(rows.map((r) => r.id))]));
    const viaOf = new Map(found.map((f) => [String(f.id), f.via]));
    for (const row of out) row.via = viaOf.get(row.id) ?? [];
    return out;
  }

  /** Rows that are part of a parent (a client's guardians) are visible through the parent's grants. */
  inherit<T>(parent: { via?: string[] }, rows: T[]): WithVia<T>[] {
    return rows.map((row) => ({ ...row, via: parent.via ?? [] }));
  }

  /** The conditions of one grant's `access` rules for a subject: the rows it makes visible. */
  accessRules(key: string, subject: Subject): MongoQuery[] {
    return this.abilityOf(key)
      .rulesFor('access', subject)
      .filter((r) => !r.inverted)
      .map((r) => (r.conditions ?? {}) as MongoQuery);
  }

  private abilityOf(key: string): AppAbility {
    let ability = this.abilities.get(key);
    if (!ability) this.abilities.set(key, (ability = defineGrantAbility(this.actor, key)));
    return ability;
  }
}
