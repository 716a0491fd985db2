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
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
interface Located {
  value: Json;
  path: (string | number)[];
}

/** The names in an error path, indexes left out: `client.placements.0.careDays.1.day` → client.placements.careDays.day. */
export const namePath = (path: readonly (string | number)[] | undefined): string => (path ?? []).filter((p) => typeof p === 'string').join('.');
const isObject = (v: Json | undefined): v is { [key: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The objects a chain of hops leads to, and whether a list on the way came back null or missing. */
function objectsAt(client: Json, chain: readonly Hop[]): { objects: Located[]; brokenAt?: string } {
  let current: Located[] = [{ value: client, path: ['client'] }];
  for (const hop of chain) {
    const next: Located[] = [];
    for (const o of current) {
      if (!isObject(o.value)) continue;
      const list = o.value[hop.field];
      if (!Array.isArray(list)) return { objects: [], brokenAt: `${hop.type}.${hop.field} is ${list === undefined ? 'missing' : 'null'}` };
      list.forEach((item, i) => next.push({ value: item, path: [...o.path, hop.field, i] }));
    }
    current = next;
  }
  return { objects: current };
}

/**
 * Compares one response for a visible client with the expected outcome of every sensitive field:
 * allowed → present, non-null for at least one row, no FORBIDDEN at its path;
 * denied → null everywhere and a FORBIDDEN error whose path ends at the field.
 * A nested type is only checked when every list on the way to it is expected to be allowed.
 */
export function evaluateVisible(args: {
  persona: string;
  client: string;
  plan: MatrixPlan;
  data: { client?: Json } | null | undefined;
  errors: readonly GraphQLFormattedError[] | undefined;
  expect: (f: SensitiveField) => Outcome | { noRule: string };
}): Evaluation {
  const { persona, client, plan, data, errors = [], expect } = args;
  const mismatches: Mismatch[] = [];
  const add = (cell: string, expected: string, got: string) => mismatches.push({ persona, client, cell, expected, got });
  let checked = 0;
  let implied = 0;

  for (const u of plan.unreachable) add(u.cell, `reachable by the matrix query (${u.category})`, u.reason);

  const root = data?.client ?? null;
  if (!isObject(root)) {
    add('client', 'visible', `client is ${JSON.stringify(root)}; errors ${JSON.stringify(errors.map((e) => [e.extensions?.['code'], namePath(e.path), e.message]))}`);
    return { mismatches, checked, implied };
  }

  const expected = new Map<string, Outcome>();
  for (const f of plan.fields) {
    const outcome = expect(f);
    if (typeof outcome !== 'string') add(`${f.type}.${f.field}`, 'a rule in the policy table', outcome.noRule);
    else expected.set(`${f.type}.${f.field}`, outcome);
  }

  /** Paths of the checked cells; a FORBIDDEN on a cell expected allowed is reported with the cell. */
  const cellPaths = new Set<string>();
  const brokenTypes = new Set<string>();
  for (const f of plan.fields) {
    const cell = `${f.type}.${f.field}`;
    const outcome = expected.get(cell);
    if (!outcome) continue;
    const chain = plan.chains.get(f.type) ?? [];
    if (chain.some((hop) => expected.get(`${hop.type}.${hop.field}`) !== 'allowed')) {
      implied += 1;
      continue;
    }
    const path = ['client', ...chain.map((h) => h.field), f.field].join('.');
    cellPaths.add(path);
    const { objects, brokenAt } = objectsAt(root, chain);
    if (brokenAt) {
      // The enclosing list's own cell reports the difference; report the type once, not every field.
      if (!brokenTypes.has(f.type)) add(`${f.type}.*`, 'reached (enclosing lists allowed)', `not reached: ${brokenAt}`);
      brokenTypes.add(f.type);
      continue;
    }
    checked += 1;
    const forbidden = errors.filter((e) => e.extensions?.['code'] === 'FORBIDDEN' && namePath(e.path) === path);
    const values = objects.map((o) => (isObject(o.value) ? o.value[f.field] : undefined));
    if (objects.length === 0) {
      add(cell, outcome, `cannot tell: ${chain.map((h) => `${h.type}.${h.field}`).join(' → ')} returned no rows`);
    } else if (outcome === 'allowed') {
      if (forbidden.length > 0) add(cell, 'allowed', `FORBIDDEN (${forbidden.length}×: ${forbidden[0]?.message})`);
      else if (values.some((v) => v === undefined)) add(cell, 'allowed', 'field missing from the response');
      else if (values.every((v) => v === null)) add(cell, 'allowed', 'null without an error');
    } else {
      const leaked = values.filter((v) => v !== null && v !== undefined);
      if (leaked.length > 0) add(cell, 'denied', `value returned: ${JSON.stringify(leaked[0]).slice(0, 80)}`);
      else if (forbidden.length === 0) add(cell, 'denied (null + FORBIDDEN at its path)', 'null but no FORBIDDEN error at its path');
    }
  }

  for (const e of errors) {
    const code = e.extensions?.['code'];
    const path = namePath(e.path);
    if (code !== 'FORBIDDEN') add(path || '(operation)', 'no error', `${String(code)}: ${e.message}`);
    else if (!cellPaths.has(path)) add(path || '(operation)', 'no error', `FORBIDDEN: ${e.message}`);
  }
  return { mismatches: dedupe(mismatches), checked, implied };
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
