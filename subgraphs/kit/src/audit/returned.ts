import type { AuditEntryInput } from './entry';

/**
 * One append per request: a subgraph called by the gateway with `returnAudit` (a signed claim of the
 * actor context) returns its entries in this response extension instead of writing them; the gateway
 * takes them out of the response and appends them with its own, in one group-committed write, before
 * any data leaves for the client (failClosedAudit). The extension never reaches a client.
 */
export const RETURNED_AUDIT_EXTENSION = 'vartijaAudit';

const ACTIONS = new Set(['READ', 'CREATE', 'UPDATE', 'DELETE', 'PRINT', 'EXPORT', 'DISCLOSE']);
const OUTCOMES = new Set(['ALLOWED', 'DENIED']);
const ACTOR_KINDS = new Set(['USER', 'PARTNER', 'SYSTEM']);

export class ReturnedAuditError extends Error {}

const text = (value: unknown): value is string => typeof value === 'string';
const textOrNull = (value: unknown): value is string | null => value === null || typeof value === 'string';
const texts = (value: unknown): value is string[] => Array.isArray(value) && value.every(text);

/**
 * The entries a subgraph returned, checked field by field (a malformed batch is a failed write: the
 * request fails closed). Dates travel as ISO strings.
 */
export function returnedAuditEntries(value: unknown): AuditEntryInput[] {
  if (!Array.isArray(value)) throw new ReturnedAuditError('returned access-log entries are not a list');
  return value.map((raw: unknown) => {
    const e = raw as Record<string, unknown> | null;
    const at = e && text(e['at']) ? new Date(e['at']) : null;
    if (
      !e ||
      !at ||
      Number.isNaN(at.getTime()) ||
      !text(e['requestId']) ||
      !textOrNull(e['operationName']) ||
      !text(e['subgraph']) ||
      !ACTOR_KINDS.has(e['actorKind'] as string) ||
      !text(e['actorId']) ||
      !textOrNull(e['actorRole']) ||
      !textOrNull(e['organisationId']) ||
      !textOrNull(e['unitId']) ||
      !textOrNull(e['clientId']) ||
      !text(e['entityType']) ||
      !textOrNull(e['entityId']) ||
      !ACTIONS.has(e['action'] as string) ||
      !OUTCOMES.has(e['outcome'] as string) ||
      !texts(e['fields']) ||
      !texts(e['categories']) ||
      !textOrNull(e['purpose']) ||
      typeof e['emergency'] !== 'boolean' ||
      !textOrNull(e['callerAddress']) ||
      !textOrNull(e['reason'])
    ) {
      throw new ReturnedAuditError('a returned access-log entry is malformed');
    }
    return { ...(e as unknown as AuditEntryInput), at };
  });
}
