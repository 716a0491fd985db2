import { isUuid } from '../ids';
import type { AuditEntryInput } from './entry';

/**
 * Bounds (characters) of the text columns of an entry. Values come from callers (operation names,
 * reasons, ids taken from arguments), so none of them may be able to make an append fail: the
 * indexed columns stay well inside a btree entry, the others inside what an auditor can read.
 */
export const AUDIT_TEXT_LIMITS = {
  requestId: 100,
  operationName: 200,
  subgraph: 100,
  actorId: 200,
  actorRole: 100,
  entityType: 200,
  entityId: 500,
  purpose: 200,
  callerAddress: 100,
  reason: 2_000,
  /** Each field and category name. */
  name: 200,
} as const;
/** At most this many field and category names per entry. */
export const AUDIT_MAX_NAMES = 500;

// C0 and C1 controls and DEL: PostgreSQL refuses NUL, and the others make a log misleading to read.
// eslint-disable-next-line no-control-regex -- finding them is the point
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/;
const CONTROLS = new RegExp(CONTROL.source, 'g');
// A surrogate half without its pair: PostgreSQL's json parser refuses it.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');
// Either of them: one scan decides that almost every value is stored as it is.
const TO_CLEAN = new RegExp(`${CONTROL.source}|${LONE_SURROGATE.source}`);

/**
 * Text as the log stores it: tab and line breaks become spaces, other control characters and broken
 * Unicode become U+FFFD (visible, not silently dropped), and a value over `max` characters is cut,
 * ending in "…" so that a reader sees it was cut.
 */
export function auditText(value: string, max: number): string {
  if (value.length <= max && !TO_CLEAN.test(value)) return value;
  let text = value;
  if (CONTROL.test(text)) text = text.replace(CONTROLS, (c) => (c === '\t' || c === '\n' || c === '\r' ? ' ' : '\uFFFD'));
  if (LONE_SURROGATE.test(text)) text = text.replace(LONE_SURROGATES, '\uFFFD');
  if (text.length > max) {
    let end = max - 1;
    // Never cut a surrogate pair in two.
    if (/[\uD800-\uDBFF]/.test(text.charAt(end - 1))) end -= 1;
    text = `${text.slice(0, end)}…`;
  }
  return text;
}

/**
 * The entry as the database will store and return it, so that the hash computed here is the one
 * verification recomputes from the row: text bounded and free of control characters (auditText),
 * uuid columns lower-case (as they come back) and null when the value is not a UUID (the column
 * could not hold it, and one bad value must not cost the entry).
 */
export function storedForm(entry: AuditEntryInput): AuditEntryInput {
  const L = AUDIT_TEXT_LIMITS;
  // Spelled out rather than spread: runs for every entry appended, and leaves out whatever else the input carries.
  return {
    at: entry.at,
    requestId: auditText(entry.requestId, L.requestId),
    operationName: optional(entry.operationName, L.operationName),
    subgraph: auditText(entry.subgraph, L.subgraph),
    actorKind: entry.actorKind,
    actorId: auditText(entry.actorId, L.actorId),
    actorRole: optional(entry.actorRole, L.actorRole),
    organisationId: uuid(entry.organisationId),
    unitId: uuid(entry.unitId),
    clientId: uuid(entry.clientId),
    entityType: auditText(entry.entityType, L.entityType),
    entityId: optional(entry.entityId, L.entityId),
    action: entry.action,
    outcome: entry.outcome,
    fields: names(entry.fields),
    categories: names(entry.categories),
    purpose: optional(entry.purpose, L.purpose),
    emergency: entry.emergency,
    callerAddress: optional(entry.callerAddress, L.callerAddress),
    reason: optional(entry.reason, L.reason),
  };
}

const uuid = (value: string | null) => (value !== null && isUuid(value) ? value.toLowerCase() : null);
const optional = (value: string | null, max: number) => (value === null ? null : auditText(value, max));
const names = (values: string[]) =>
  (values.length > AUDIT_MAX_NAMES ? values.slice(0, AUDIT_MAX_NAMES) : values).map((v) => auditText(v, AUDIT_TEXT_LIMITS.name));
