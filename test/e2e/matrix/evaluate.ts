import type { SensitiveField } from '@vartija/kit';
import type { GraphQLFormattedError } from 'graphql';
import type { Hop, MatrixPlan } from './query';

export type Outcome = 'allowed' | 'denied';

/** A cell whose answer differs from DESIGN §4 (or that could not be checked). */
export interface Mismatch {
  persona: string;
  client: string;
  cell: string;
  expected: string;
  got: string;
}

export interface Evaluation {
  mismatches: Mismatch[];
  /** Cells whose outcome was observed and compared. */
  checked: number;
  /** Cells not reached because an enclosing list field is (expected to be) denied. */
  implied: number;
  /** Field values compared, one per object holding a checked cell's field. */
  objects: number;
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/**
 * One object on the way from the client to a checked field: its type (from the plan), the list field of
 * its parent that led to it (null for the client) and the object as the response holds it.
 */
export interface Step {
  type: string;
  field: string | null;
  object: JsonObject;
  path: (string | number)[];
}

/** The expected outcome of a field on one object, given the objects that lead to it (client first, the object last). */
export type Expectation = (f: SensitiveField, lineage: readonly Step[]) => Outcome | { noRule: string };

/** The names in an error path, indexes left out: `client.placements.0.careDays.1.day` → client.placements.careDays.day. */
export const namePath = (path: readonly (string | number)[] | undefined): string => (path ?? []).filter((p) => typeof p === 'string').join('.');
const fullPath = (path: readonly (string | number)[] | undefined): string => (path ?? []).join('.');
const isObject = (v: Json | undefined): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The objects a chain of hops leads to, each with its lineage. A hop is followed only from the objects on
 * which it is expected allowed (policy v2: the same list field may be readable on one row and not another).
 */
function objectsAt(
  root: JsonObject,
  chain: readonly Hop[],
  leafType: string,
  hopField: (hop: Hop) => SensitiveField | undefined,
  expect: Expectation,
): { lineages: Step[][]; pruned: number; brokenAt?: string } {
  let current: Step[][] = [[{ type: 'Client', field: null, object: root, path: ['client'] }]];
  let pruned = 0;
  for (const [i, hop] of chain.entries()) {
    const childType = chain[i + 1]?.type ?? leafType;
    const field = hopField(hop);
    const next: Step[][] = [];
    for (const lineage of current) {
      const parent = lineage[lineage.length - 1]!;
      if (!field || expect(field, lineage) !== 'allowed') {
        pruned += 1;
        continue;
      }
      const list = parent.object[hop.field];
      if (!Array.isArray(list)) return { lineages: [], pruned, brokenAt: `${hop.type}.${hop.field} is ${list === undefined ? 'missing' : 'null'} at ${fullPath(parent.path)}` };
      list.forEach((item, j) => {
        if (isObject(item)) next.push([...lineage, { type: childType, field: hop.field, object: item, path: [...parent.path, hop.field, j] }]);
      });
    }
    current = next;
  }
  return { lineages: current, pruned };
}

/**
 * Compares one response for a visible client with the expected outcome of every sensitive field, object by
 * object (policy v2: a field may be readable on one row and not on another, by the grants that see each row):
 * allowed → present, no FORBIDDEN at its path, and non-null on at least one of the objects where it is allowed;
 * denied → null with a FORBIDDEN error at its exact path, on every object where it is denied.
 * A nested object is only checked when every list on the way to it is expected to be allowed on its parent.
 *
 * A cell is one field for the persona and client: `checked` when some object holding it was reached,
 * `implied` when every way to it passes a list expected denied.
 */
export function evaluateVisible(args: {
  persona: string;
  client: string;
  plan: MatrixPlan;
  data: { client?: Json } | null | undefined;
  errors: readonly GraphQLFormattedError[] | undefined;
  expect: Expectation;
}): Evaluation {
  const { persona, client, plan, data, errors = [], expect } = args;
  const mismatches: Mismatch[] = [];
  const add = (cell: string, expected: string, got: string) => mismatches.push({ persona, client, cell, expected, got });
  let checked = 0;
  let implied = 0;
  let objects = 0;

  for (const u of plan.unreachable) add(u.cell, `reachable by the matrix query (${u.category})`, u.reason);

  const root = data?.client ?? null;
  if (!isObject(root)) {
    add('client', 'visible', `client is ${JSON.stringify(root)}; errors ${JSON.stringify(errors.map((e) => [e.extensions?.['code'], namePath(e.path), e.message]))}`);
    return { mismatches, checked, implied, objects };
  }

  const byCell = new Map(plan.fields.map((f) => [`${f.type}.${f.field}`, f]));
  const hopField = (hop: Hop) => byCell.get(`${hop.type}.${hop.field}`);
  // A missing rule is reported once per field, not once per object.
  const noRule = new Set<string>();
  const outcomeOf: Expectation = (f, lineage) => {
    const outcome = expect(f, lineage);
    if (typeof outcome !== 'string') {
      const cell = `${f.type}.${f.field}`;
      if (!noRule.has(cell)) add(cell, 'a rule in the policy table', outcome.noRule);
      noRule.add(cell);
      return 'denied';
    }
    return outcome;
  };

  const forbiddenAt = new Map<string, GraphQLFormattedError[]>();
  for (const e of errors) {
    if (e.extensions?.['code'] !== 'FORBIDDEN') continue;
    const key = fullPath(e.path);
    forbiddenAt.set(key, [...(forbiddenAt.get(key) ?? []), e]);
  }

  /** Exact paths of the checked field values; any FORBIDDEN elsewhere is a mismatch. */
  const cellPaths = new Set<string>();
  const brokenTypes = new Set<string>();
  for (const f of plan.fields) {
    const cell = `${f.type}.${f.field}`;
    const chain = plan.chains.get(f.type) ?? [];
    const { lineages, pruned, brokenAt } = objectsAt(root, chain, f.type, hopField, outcomeOf);
    if (brokenAt) {
      // The enclosing list's own cell reports the difference; report the type once, not every field.
      if (!brokenTypes.has(f.type)) add(`${f.type}.*`, 'reached (enclosing lists allowed)', `not reached: ${brokenAt}`);
      brokenTypes.add(f.type);
      continue;
    }
    if (lineages.length === 0) {
      if (pruned > 0) implied += 1;
      else add(cell, 'reached', `cannot tell: ${chain.map((h) => `${h.type}.${h.field}`).join(' → ')} returned no rows`);
      continue;
    }
    checked += 1;
    const allowedValues: Json[] = [];
    for (const lineage of lineages) {
      objects += 1;
      const holder = lineage[lineage.length - 1]!;
      const path = fullPath([...holder.path, f.field]);
      cellPaths.add(path);
      const outcome = outcomeOf(f, lineage);
      const value = holder.object[f.field];
      const forbidden = forbiddenAt.get(path) ?? [];
      const where = lineages.length > 1 || holder.path.length > 1 ? ` at ${path}` : '';
      if (outcome === 'allowed') {
        if (forbidden.length > 0) add(cell, 'allowed', `FORBIDDEN${where} (${forbidden[0]?.message})`);
        else if (value === undefined) add(cell, 'allowed', `field missing from the response${where}`);
        else allowedValues.push(value);
      } else if (value !== null && value !== undefined) {
        add(cell, 'denied', `value returned${where}: ${JSON.stringify(value).slice(0, 80)}`);
      } else if (forbidden.length === 0) {
        add(cell, 'denied (null + FORBIDDEN at its path)', `null but no FORBIDDEN error${where}`);
      }
    }
    const allowedObjects = lineages.filter((l) => outcomeOf(f, l) === 'allowed').length;
    if (allowedObjects > 0 && allowedValues.length === allowedObjects && allowedValues.every((v) => v === null)) {
      add(cell, 'allowed', allowedObjects === lineages.length ? 'null without an error' : `null without an error on all ${allowedObjects} objects where allowed`);
    }
  }

  for (const e of errors) {
    const code = e.extensions?.['code'];
    const path = namePath(e.path);
    if (code !== 'FORBIDDEN') add(path || '(operation)', 'no error', `${String(code)}: ${e.message}`);
    else if (!cellPaths.has(fullPath(e.path))) add(fullPath(e.path) || '(operation)', 'no error', `FORBIDDEN: ${e.message}`);
  }
  return { mismatches: dedupe(mismatches), checked, implied, objects };
}

function dedupe(list: Mismatch[]): Mismatch[] {
  const seen = new Set<string>();
  return list.filter((m) => {
    const key = JSON.stringify(m);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Every object in a response with its `__typename` and `id`, wherever it is nested. */
export function entitiesIn(value: unknown, path: (string | number)[] = []): { typename: string; id: string; path: string }[] {
  const found: { typename: string; id: string; path: string }[] = [];
  const walk = (v: unknown, p: (string | number)[]) => {
    if (Array.isArray(v)) v.forEach((item, i) => walk(item, [...p, i]));
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o['__typename'] === 'string' && typeof o['id'] === 'string') found.push({ typename: o['__typename'], id: o['id'], path: namePath(p) });
      for (const [k, inner] of Object.entries(o)) walk(inner, [...p, k]);
    }
  };
  walk(value, path);
  return found;
}
