import { createMongoAbility, type MongoQuery } from '@casl/ability';
import { and, type SQL } from 'drizzle-orm';
import type { AppAbility, Subject } from './ability';
import type { RowGrants } from './row-grants';
import { rowScope } from './row-scope';

/**
 * A readable-field condition. `withinRowScope`: every row it admits is one the row scope admits, proved from
 * the rules' conditions (rulesImplyAccess), so the condition alone may stand for `row scope ∧ condition`.
 */
export interface ReadableScope {
  condition: SQL;
  withinRowScope: boolean;
}

/**
 * The rows whose `fields` the actor may read, as SQL (policy v2: "what a field hides, no other channel
 * may show"). A filter, sort, count or look-up on a field takes this condition besides the row scope,
 * so it never selects, orders or counts rows by a value the actor could not read on them.
 *
 * Each read rule is bound to a grant (`via`); here `via` becomes that grant's own row scope and the
 * rule's other conditions (e.g. non-disclosure) are added to it. Callers always AND the answer with the
 * row scope (which, for one grant, is that grant's scope). Answers:
 * - `null`: every visible row qualifies (the common case: no extra SQL);
 * - `'never'`: no rule ever allows one of the fields (callers answer FORBIDDEN);
 * - otherwise the condition to AND with the row scope (or to use alone, when `withinRowScope`).
 */
export function readableScope(ability: AppAbility, grants: RowGrants, subject: Subject, fields: readonly string[]): ReadableScope | 'never' | null {
  // Per actor and day (RowGrants.cached): the grants are the actor's, and a partner's page used six of these per request.
  return grants.cached(`readable\u0000${subject}\u0000${fields.join('\u0000')}`, () => translateReadableScope(ability, grants, subject, fields));
}

function translateReadableScope(ability: AppAbility, grants: RowGrants, subject: Subject, fields: readonly string[]): ReadableScope | 'never' | null {
  const alternatives: MongoQuery[][] = [];
  let implied = true;
  for (const field of fields) {
    const rules = ability.rulesFor('read', subject, field).filter((r) => !r.inverted);
    if (rules.length === 0) return 'never';
    const unconditional = new Set<string>();
    const perField: MongoQuery[] = [];
    for (const rule of rules) {
      const { via, ...rest } = (rule.conditions ?? {}) as MongoQuery & { via?: unknown };
      // A rule bound to no grant (only AuditEntry / ApiToken rules are): it qualifies every visible row.
      if (typeof via !== 'string') {
        if (Object.keys(rest).length === 0) grants.grants.forEach((g) => unconditional.add(g.key));
        else throw new Error(`Policy: read rule on ${subject}.${field} with conditions must be bound to a grant`);
        continue;
      }
      if (Object.keys(rest).length === 0) unconditional.add(via);
      // With one grant its access rules are the row scope this condition is ANDed with: the rule's own
      // conditions suffice (measured: the partner's count went from a 16-way OR of EXISTS pairs to two).
      if (grants.grants.length === 1) perField.push(rest);
      else for (const access of grants.accessRules(via, subject)) perField.push(merge(access, rest, subject, field));
    }
    if (grants.grants.some((g) => !unconditional.has(g.key))) implied = false;
    alternatives.push(perField);
  }
  if (implied) return null;
  // AND over fields of OR over their rules: one synthetic ability per field, translated like row scopes.
  const parts = alternatives.map((rules) =>
    rowScope(createMongoAbility(rules.map((conditions) => ({ action: 'access', subject, conditions }))) as AppAbility, subject),
  );
  // One field whose every alternative implies an access rule puts the whole AND inside the row scope (a
  // partner's names rule names the commission its access rule does: one semi-join over them, not two).
  const access = accessAlternatives(ability, subject);
  const withinRowScope = access !== null && alternatives.some((rules) => rules.length > 0 && rules.every((rule) => rulesImplyAccess(rule, access)));
  return { condition: parts.length === 1 ? parts[0]! : and(...parts)!, withinRowScope };
}

/**
 * The conditions of the rules the row scope is translated from (it admits a row iff one of them holds), or
 * null when the scope is more than their OR: an inverted rule takes rows away, and no condition can prove that.
 */
function accessAlternatives(ability: AppAbility, subject: Subject): MongoQuery[] | null {
  const rules = ability.rulesFor('access', subject);
  if (rules.some((r) => r.inverted || r.fields)) return null;
  return rules.map((r) => (r.conditions ?? {}) as MongoQuery);
}

/**
 * Whether `conditions` imply one of the access alternatives, read syntactically: the alternative's top-level
 * keys (a conjunction) each appear in `conditions` with a structurally equal value. Anything else is "not
 * proved", and the caller keeps the row scope: a wrong "yes" would let a sort or count reach rows not visible.
 */
export function rulesImplyAccess(conditions: MongoQuery, access: readonly MongoQuery[]): boolean {
  return access.some((alternative) =>
    Object.entries(alternative).every(([key, value]) => Object.prototype.hasOwnProperty.call(conditions, key) && sameValue((conditions as Record<string, unknown>)[key], value)),
  );
}

/** Structural equality of condition values (key order aside); `undefined`, functions and class instances other than Date never compare equal. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return a !== undefined;
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  }
  if (!isPlain(a) || !isPlain(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.prototype.hasOwnProperty.call(b, k) && sameValue(a[k], b[k]));
}

const isPlain = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);

function merge(access: MongoQuery, rest: MongoQuery, subject: Subject, field: string): MongoQuery {
  for (const key of Object.keys(rest)) {
    // Fail closed: a condition that cannot be combined must never widen what a filter selects.
    if (key in access) throw new Error(`Policy: ${subject}.${field} read condition ${key} clashes with its access rule`);
  }
  return { ...access, ...rest };
}
