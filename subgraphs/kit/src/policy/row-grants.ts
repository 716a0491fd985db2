import type { MongoQuery } from '@casl/ability';
import { inList, type Queryable } from '@vartija/db';
import { sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Actor } from '../actor';
import { type AppAbility, defineGrantAbility, type PolicyClock, type PolicyGrant, policyGrantsOf, type Subject } from './ability';
import { perAbility } from './per-ability';
import { rowScope, tableOf } from './row-scope';

type ReadRule = ReturnType<AppAbility['rulesFor']>[number];

/** An ability's read rules per type and field (CASL filters its rule index by field on every call). */
const readRulesOf = perAbility<readonly ReadRule[]>();

/** Values that depend on the actor and the day only, kept under the actor's shared ability (RowGrants.cached). */
const perActorAndDay = new WeakMap<AppAbility, Map<string, unknown>>();

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
  private readonly clock: PolicyClock | undefined;
  /** See `cached`: shared by the actor's requests of a day, or this request's own. */
  private readonly values: Map<string, unknown>;
  /** Each read rule's verdict on each row checked in this request, with the row's grants it was made under. */
  private readonly verdicts = new WeakMap<object, { via: unknown; byRule: Map<ReadRule, boolean> }>();

  constructor(
    private readonly db: Queryable,
    private readonly actor: Actor,
    options: {
      /** The day the request's ability was built for: each grant's own rules count their windows from it. */
      clock?: PolicyClock;
      /**
       * The actor's shared ability (cachedAbilityFor, one per actor and day): what `cached` computes is then
       * kept for the actor's requests of that day. Only an ability that stands for this actor alone may be
       * given (not a testing seam's, which may serve every actor).
       */
      shared?: AppAbility;
    } = {},
  ) {
    this.grants = policyGrantsOf(actor);
    this.byKey = new Map(this.grants.map((g) => [g.key, g]));
    this.clock = options.clock;
    const { shared } = options;
    let values = shared && perActorAndDay.get(shared);
    if (!values) {
      values = new Map();
      if (shared) perActorAndDay.set(shared, values);
    }
    this.values = values;
  }

  /**
   * A value that depends only on this actor (its grants) and the day: computed once per actor and day when
   * the shared ability was given (each grant's own ability, readable scopes), else once per request.
   */
  cached<V>(key: string, compute: () => V): V {
    if (!this.values.has(key)) this.values.set(key, compute());
    return this.values.get(key) as V;
  }

  /**
   * The read rule that decides `field` of `row`, as CASL's relevantRuleFor: the first rule for the field
   * whose conditions the row meets (inverted or not), or null. A rule names many fields and a row's fields
   * are checked one by one, so each rule's verdict on each row is kept for the request — and dropped if
   * the row's grants (`via`, set by attach) are set again.
   */
  readRuleFor(ability: AppAbility, type: Subject, row: object, field: string): ReadRule | null {
    const via = (row as { via?: unknown }).via;
    let kept = this.verdicts.get(row);
    if (!kept || kept.via !== via) this.verdicts.set(row, (kept = { via, byRule: new Map() }));
    for (const rule of readRulesOf(ability, `${type}\u0000${field}`, () => ability.rulesFor('read', type, field))) {
      let matches = kept.byRule.get(rule);
      if (matches === undefined) kept.byRule.set(rule, (matches = rule.matchesConditions(row as Record<PropertyKey, unknown>)));
      if (matches) return rule;
    }
    return null;
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
    return this.cached(`grant\u0000${key}`, () => defineGrantAbility(this.actor, key, this.clock));
  }
}
