import type { Actor } from '../actor';
import type { AuditAction } from './entry';
import type { AuditField, AuditRecorder } from './recorder';
import type { AuditTarget } from './target';

/**
 * A refused read or write of a target the caller named by id (a client, a record, a document). `clientId`: the
 * target's client when it is in the register the caller works in (registerOrganisationOf), else null.
 * - Named: logged DENIED with the client, for that register's auditors.
 * - Not named, staff: nothing (another register's client is an unknown id; naming it would tell the caller's
 *   auditors who is a client there).
 * - Not named, partner token: logged without a client, so that the request writes as many entries whether or not
 *   the issuer has the target (entry ids are the log's global sequence: a count that differed would tell whoever
 *   sees the ids around it that the region has it).
 */
export function recordRefusedTarget(
  audit: AuditRecorder,
  actor: Pick<Actor, 'kind'>,
  target: Pick<AuditTarget, 'entityType'> & { entityId: string },
  clientId: string | null,
  field: AuditField | null,
  action: AuditAction,
  reason: string,
): void {
  if (!clientId && actor.kind !== 'PARTNER') return;
  audit.deny({ ...target, clientId }, field, action, reason);
}
