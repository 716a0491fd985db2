import {
  defaultFieldResolver,
  getNamedType,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLInputType,
  type GraphQLSchema,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isSpecifiedScalarType,
} from 'graphql';
import { badInput } from './errors';
import { isUuid } from './ids';
import { InvalidScalarValue } from './scalars';

/** Free text: names, titles, reasons, filters. Longer values are refused before any resolver sees them. */
export const MAX_TEXT_LENGTH = 10_000;
/** Values meant to hold a document: document bodies, decision texts, persisted GraphQL documents. */
export const MAX_LONG_TEXT_LENGTH = 500_000;
/** Arguments and input fields of these names hold documents and get the longer bound. */
export const LONG_TEXT_NAMES: ReadonlySet<string> = new Set(['body', 'content', 'document']);

export const ID_REASON = 'must be an id returned by this API (a UUID)';

/**
 * `ID` values that are not UUIDs, by schema coordinate (`Type.field(arg:)` for an argument,
 * `InputType.field` for an input field), with the format they must have instead. Every other `ID`
 * argument names a row keyed by a UUID.
 *
 * Apart from the access-log entry ids, the ids that are not UUIDs are typed `String` (persisted-operation ids
 * `registerPersistedOperation(id:)` and `allowedOperations`, checked by their resolver; actor ids
 * in `AuditFilter.actorId`; request ids), so only the text rules apply to them.
 */
export const NON_UUID_IDS: Readonly<Record<string, { pattern: RegExp; reason: string }>> = {
  // An access-log entry's id is its place in the hash chain (AuditEntry.id = seq).
  'Mutation.markReviewed(entryId:)': { pattern: /^[1-9]\d{0,15}$/, reason: 'must be the id of an access-log entry (AuditEntry.id, a positive whole number)' },
};

// C0 controls other than tab, line feed and carriage return; DEL.
// eslint-disable-next-line no-control-regex -- finding them is the point
const CONTROL_RE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
// A surrogate half without its pair is not Unicode text; PostgreSQL's json parser refuses it.
const LONE_SURROGATE_RE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a string may not be stored or compared, or null when it is fine. */
export function textProblem(value: string, max = MAX_TEXT_LENGTH): string | null {
  if (value.length > max) return `must be at most ${max} characters (got ${value.length})`;
  const control = CONTROL_RE.exec(value);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    return `contains the control character U+${code} at position ${control.index + 1}; remove it (only tab and line breaks are allowed)`;
  }
  const surrogate = LONE_SURROGATE_RE.exec(value);
  if (surrogate) return `contains invalid Unicode (an unpaired surrogate) at position ${surrogate.index + 1}`;
  return null;
}

/** Refuses a bad value (BAD_USER_INPUT) or returns it as the resolver gets it: UUIDs in lower case. */
type Check = (value: unknown, path: string) => unknown;

/**
 * Checks every argument before the resolver that receives it runs: each `ID` value (plain, in lists,
 * in input objects at any depth) must be a UUID unless listed in NON_UUID_IDS, and each `String`
 * must be text a database can hold (no control characters other than tab and line breaks, no broken
 * Unicode, at most MAX_TEXT_LENGTH characters, MAX_LONG_TEXT_LENGTH for LONG_TEXT_NAMES); a custom
 * scalar value must have parsed (Date, DateTime: see InvalidScalarValue). A failure
 * is BAD_USER_INPUT naming the argument path, e.g. `filter.unitId`, so malformed input never reaches
 * SQL or the access log. (Cursors are sealed and checked by their codec, see cursor.ts.)
 *
 * A UUID is passed on in lower case, the form PostgreSQL returns: loaders and caches key rows by the
 * returned id, so `client(id:)` in capitals would otherwise miss a visible client and log it as refused.
 *
 * `_entities` representations whose key values break these rules resolve as null, as an unknown id does;
 * their UUID keys are lower-cased as arguments are.
 */
export function guardArguments(schema: GraphQLSchema): void {
  const inputChecks = new Map<string, Check | null>();
  const building = new Set<string>();

  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (type === schema.getQueryType() && field.name === '_entities') {
        guardEntities(schema, field);
        continue;
      }
      const checks = field.args.flatMap((arg) => {
        const check = valueCheck(arg.type, `${type.name}.${field.name}(${arg.name}:)`, arg.name);
        return check ? [{ name: arg.name, check }] : [];
      });
      if (checks.length === 0) continue;
      const resolve: GraphQLFieldResolver<unknown, unknown> = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args: Record<string, unknown>, context, info) => {
        let checked = args;
        for (const { name, check } of checks) {
          const value = args[name];
          if (value === undefined || value === null) continue;
          const canonical = check(value, name);
          if (canonical !== value) checked = { ...checked, [name]: canonical };
        }
        return resolve(source, checked, context, info);
      };
    }
  }

  /** A check for values of `type`, or null when no value of it can hold an ID or a String. */
  function valueCheck(type: GraphQLInputType, coordinate: string, name: string): Check | null {
    if (isNonNullType(type)) return valueCheck(type.ofType, coordinate, name);
    if (isListType(type)) {
      const item = valueCheck(type.ofType, coordinate, name);
      if (!item) return null;
      return (value, path) => {
        if (!Array.isArray(value)) return item(value, path);
        const items = value.map((v: unknown, i) => (v === null || v === undefined ? v : item(v, `${path}.${i}`)));
        return items.every((v, i) => v === value[i]) ? value : items;
      };
    }
    if (isInputObjectType(type)) return inputObjectCheck(type.name);
    if (isScalarType(type) && type.name === 'ID') {
      const custom = NON_UUID_IDS[coordinate];
      return (value, path) => {
        const text = String(value);
        if (custom) {
          if (text.length > MAX_TEXT_LENGTH || !custom.pattern.test(text)) throw badInput(path, custom.reason);
          return value;
        }
        if (!isUuid(text)) throw badInput(path, ID_REASON);
        return text.toLowerCase();
      };
    }
    if (isScalarType(type) && type.name === 'String') {
      const max = LONG_TEXT_NAMES.has(name) ? MAX_LONG_TEXT_LENGTH : MAX_TEXT_LENGTH;
      return (value, path) => {
        if (typeof value !== 'string') return value;
        const problem = textProblem(value, max);
        if (problem) throw badInput(path, problem);
        return value;
      };
    }
    if (isScalarType(type) && !isSpecifiedScalarType(type)) {
      // Date, DateTime: the scalar marks a value that does not parse; the path is known only here.
      return (value, path) => {
        if (value instanceof InvalidScalarValue) throw badInput(path, value.reason);
        return value;
      };
    }
    return null;
  }

  function inputObjectCheck(typeName: string): Check | null {
    if (inputChecks.has(typeName)) return inputChecks.get(typeName) ?? null;
    // A recursive input type refers to itself while its check is being built: look it up when called.
    if (building.has(typeName)) {
      return (value, path) => {
        const check = inputChecks.get(typeName);
        return check ? check(value, path) : value;
      };
    }
    building.add(typeName);
    const type = schema.getType(typeName);
    const fields = isInputObjectType(type)
      ? Object.values(type.getFields()).flatMap((f) => {
          const check = valueCheck(f.type, `${typeName}.${f.name}`, f.name);
          return check ? [{ name: f.name, check }] : [];
        })
      : [];
    const check: Check | null =
      fields.length === 0
        ? null
        : (value, path) => {
            if (!value || typeof value !== 'object') return value;
            let object = value as Record<string, unknown>;
            for (const { name, check: fieldCheck } of fields) {
              const v = object[name];
              if (v === undefined || v === null) continue;
              const canonical = fieldCheck(v, `${path}.${name}`);
              if (canonical !== v) object = { ...object, [name]: canonical };
            }
            return object;
          };
    building.delete(typeName);
    inputChecks.set(typeName, check);
    return check;
  }
}

/**
 * `_entities`: a representation whose key fields break the argument rules (an `ID` that is not a
 * UUID, text a database cannot hold) resolves as null without reaching its reference resolver, as
 * a reference to an unknown row does; the other representations of the batch are unaffected.
 */
function guardEntities(schema: GraphQLSchema, field: GraphQLField<unknown, unknown>): void {
  const resolve: GraphQLFieldResolver<unknown, unknown> = field.resolve ?? defaultFieldResolver;
  field.resolve = (source, args: { representations?: unknown }, context, info) => {
    const representations = Array.isArray(args.representations) ? (args.representations as unknown[]).map((r) => withLowerCaseIds(schema, r)) : [];
    const valid = representations.map((r) => representationIsValid(schema, r));
    if (valid.every(Boolean)) return resolve(source, { ...args, representations }, context, info);
    const result = resolve(source, { ...args, representations: representations.filter((_, i) => valid[i]) }, context, info);
    const merge = (resolved: unknown) => {
      const values = Array.isArray(resolved) ? resolved : [];
      let next = 0;
      return valid.map((ok) => (ok ? values[next++] : null));
    };
    return result instanceof Promise ? result.then(merge) : merge(result);
  };
}

/** A representation with its UUID keys in lower case, as arguments get them: loaders key rows by the returned id. */
function withLowerCaseIds(schema: GraphQLSchema, representation: unknown): unknown {
  if (!representation || typeof representation !== 'object') return representation;
  const { __typename } = representation as Record<string, unknown>;
  const type = typeof __typename === 'string' ? schema.getType(__typename) : undefined;
  if (!isObjectType(type)) return representation;
  const fields = type.getFields();
  let canonical = representation as Record<string, unknown>;
  for (const [name, value] of Object.entries(canonical)) {
    if (fields[name] && getNamedType(fields[name].type).name === 'ID' && typeof value === 'string' && isUuid(value) && value !== value.toLowerCase()) {
      canonical = { ...canonical, [name]: value.toLowerCase() };
    }
  }
  return canonical;
}

function representationIsValid(schema: GraphQLSchema, representation: unknown): boolean {
  if (!representation || typeof representation !== 'object') return false;
  const { __typename, ...keys } = representation as Record<string, unknown>;
  if (typeof __typename !== 'string') return false;
  const type = schema.getType(__typename);
  if (!isObjectType(type)) return true; // the library answers unknown types itself
  const fields = type.getFields();
  for (const [name, value] of Object.entries(keys)) {
    const named = fields[name] ? getNamedType(fields[name].type).name : null;
    if (named === 'ID' && !(typeof value === 'string' && isUuid(value))) return false;
    if (typeof value === 'string' && textProblem(value) !== null) return false;
  }
  return true;
}
