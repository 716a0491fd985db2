import type { Actor } from '../actor';
import { AUDIT_ACTIONS, AUDIT_OUTCOMES, type AuditAction, type AuditEntryInput, type AuditOutcome } from './entry';

/**
 * One append per request: a subgraph called by the gateway with `returnAudit` (a signed claim of the
 * actor context) returns its entries in this response extension instead of writing them; the gateway
 * takes them out of the response and appends them with its own, in one group-committed write, before
 * any data leaves for the client (failClosedAudit). The extension never reaches a client.
 */
export const RETURNED_AUDIT_EXTENSION = 'vartijaAudit';

/**
 * What a subgraph knows of an entry and the gateway does not: which entity, which grant, what was done
 * and to which fields. Positional, in this order (a partner page returns 150 of them; the keys were
 * most of the bytes).
 */
export type ReturnedEntry = [
  actorRole: string | null,
  unitId: string | null,
  clientId: string | null,
  entityType: string,
  entityId: string | null,
  action: AuditAction,
  outcome: AuditOutcome,
  fields: string[],
  categories: string[],
  reason: string | null,
];

/**
 * The extension's value. The request's own columns (time, request id, operation, actor, organisation,
 * purpose, emergency, caller, subgraph) are not in it: the gateway writes its own, so a returned entry is
 * attributed to the request and the service it came back from and can name no other.
 */
export interface ReturnedAudit {
  /** The `jti` of the actor context this answers: the gateway takes the batch for that one fetch only. */
  jti: string;
  entries: ReturnedEntry[];
}

const ACTIONS: ReadonlySet<unknown> = new Set(AUDIT_ACTIONS);
const OUTCOMES: ReadonlySet<unknown> = new Set(AUDIT_OUTCOMES);

export class ReturnedAuditError extends Error {}

const text = (value: unknown): value is string => typeof value === 'string';
const textOrNull = (value: unknown): value is string | null => value === null || typeof value === 'string';
const texts = (value: unknown): value is string[] => Array.isArray(value) && value.every(text);

/** The fetch a batch came back from: the gateway's actor, the service that answered, the context it signed. */
export interface ReturnedAuditOrigin {
  actor: Actor;
  subgraph: string;
  /** The `jti` the gateway signed for this fetch; undefined when it signed none (nothing may come back). */
  jti: string | undefined;
}

/**
 * The entries a subgraph returned, checked element by element (a malformed batch, or one for another
 * fetch, is a failed write: the request fails closed), completed with the columns of the request they
 * came back in and timed by the gateway's clock.
 */
export function returnedAuditEntries(value: unknown, origin: ReturnedAuditOrigin): AuditEntryInput[] {
  const batch = value as Partial<ReturnedAudit> | null;
  if (!batch || typeof batch !== 'object' || !Array.isArray(batch.entries)) {
    throw new ReturnedAuditError('returned access-log entries are not a batch');
  }
  // Another fetch's entries (a desynchronised connection, a mixed-up proxy, a subgraph's bug) are not this one's.
  if (origin.jti === undefined || batch.jti !== origin.jti) {
    throw new ReturnedAuditError('returned access-log entries answer another fetch');
  }
  const { actor, subgraph } = origin;
  const at = new Date();
  return batch.entries.map((raw: unknown) => {
    const e = raw as unknown[];
    if (
      !Array.isArray(e) ||
      e.length !== 10 ||
      !textOrNull(e[0]) ||
      !textOrNull(e[1]) ||
      !textOrNull(e[2]) ||
      !text(e[3]) ||
      !textOrNull(e[4]) ||
      !ACTIONS.has(e[5]) ||
      !OUTCOMES.has(e[6]) ||
      !texts(e[7]) ||
      !texts(e[8]) ||
      !textOrNull(e[9])
    ) {
      throw new ReturnedAuditError('a returned access-log entry is malformed');
    }
    const [actorRole, unitId, clientId, entityType, entityId, action, outcome, fields, categories, reason] = e as ReturnedEntry;
    return {
      at,
      requestId: actor.requestId,
      operationName: actor.operationName,
      subgraph,
      actorKind: actor.kind,
      actorId: actor.id,
      actorRole,
      organisationId: actor.organisationId,
      unitId,
      clientId,
      entityType,
      entityId,
      action,
      outcome,
      fields,
      categories,
      purpose: actor.purpose,
      emergency: actor.emergency,
      callerAddress: actor.callerAddress,
      reason,
    };
  });
}
