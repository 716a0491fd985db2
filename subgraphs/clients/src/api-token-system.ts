import { createHash } from 'node:crypto';
import type { Db } from '@vartija/db';
import { type AuditTarget, conflict, notFound } from '@vartija/kit';
import { type SystemOperator, systemWrite } from './access-admin-system';
import { ApiTokenService, type IssuedToken } from './api-token-service';
import { type ApiTokenRow, ApiTokenStore, type PersistedOperationRow } from './api-token-store';
import { authorizeTokenChange } from './resolvers/api-token-subject';

/**
 * The `npm run partner-token` CLI's writes: the same services and policy rules as the GraphQL
 * mutations, as the SYSTEM actor holding the registrar rules of one welfare region (the issuer), each
 * command one audited transaction whose entries name `cli:<operator>` and the command.
 */
export type PartnerTokenOperator = Omit<SystemOperator, 'tool'>;

const TOOL = 'npm run partner-token';
const as = (operator: PartnerTokenOperator): SystemOperator => ({ ...operator, tool: TOOL });
const tokenTarget = (entityId: string | null): AuditTarget => ({ entityType: 'ApiToken', entityId, clientId: null });
const operationTarget = (entityId: string | null): AuditTarget => ({ entityType: 'PersistedOperation', entityId, clientId: null });

/** `operator.organisationId` issues the token: the region whose commissions it reaches. */
export function issueTokenAsSystem(db: Db, operator: PartnerTokenOperator, input: unknown): Promise<IssuedToken> {
  return systemWrite(db, as(operator), async (w) => {
    const grant = w.authorize('create', 'ApiToken', { issuerOrganisationId: operator.organisationId }, null, tokenTarget(null));
    const issued = await new ApiTokenService(w.tx).issue(input, null, operator.organisationId);
    w.change(tokenTarget(issued.apiToken.id), [], 'CREATE', grant);
    return issued;
  });
}

/** The region that issued a token acts on it; an unknown or malformed id is NOT_FOUND. */
async function issuerOf(db: Db, id: string): Promise<string> {
  const token = await new ApiTokenService(db).find(id);
  if (!token) throw notFound('ApiToken', id);
  // Tokens from before issuers were recorded reach no commission and no registrar administers them.
  if (!token.issuerOrganisationId) throw conflict('This token names no issuing region: it reaches no client, and no registrar administers it.');
  return token.issuerOrganisationId;
}

export async function revokeTokenAsSystem(db: Db, operator: Omit<PartnerTokenOperator, 'organisationId'>, id: string): Promise<ApiTokenRow> {
  const organisationId = await issuerOf(db, id);
  return systemWrite(db, as({ ...operator, organisationId }), async (w) => {
    const { grant, target } = await authorizeTokenChange(w, id);
    const revoked = await new ApiTokenService(w.tx).revoke(id);
    w.change(target, [], 'UPDATE', grant);
    return revoked;
  });
}

export async function rotateTokenAsSystem(
  db: Db,
  operator: Omit<PartnerTokenOperator, 'organisationId'>,
  id: string,
  overlapHours: number,
): Promise<IssuedToken> {
  const organisationId = await issuerOf(db, id);
  return systemWrite(db, as({ ...operator, organisationId }), async (w) => {
    const { grant, target } = await authorizeTokenChange(w, id);
    const issued = await new ApiTokenService(w.tx).rotate(id, overlapHours, null);
    w.change(target, ['expiresAt'], 'UPDATE', grant);
    w.change({ ...target, entityId: issued.apiToken.id }, [], 'CREATE', grant);
    return issued;
  });
}

export interface NewPersistedOperation {
  id: string;
  document: string;
  operationName: string | null;
}

export interface RegisteredOperation {
  operation: PersistedOperationRow;
  /** False when the same document was registered before (under `operation.id`). */
  created: boolean;
}

/**
 * Registers trusted documents in one transaction (all or none); a document registered before is
 * reported, not duplicated. The hash stored is computed here from the document, as
 * `registerPersistedOperation` does. Persisted operations are shared and immutable: any region's
 * registrar may register one (the rule of that mutation).
 */
export function registerOperationsAsSystem(db: Db, operator: PartnerTokenOperator, operations: readonly NewPersistedOperation[]): Promise<RegisteredOperation[]> {
  return systemWrite(db, as(operator), async (w) => {
    const grant = w.authorize('create', 'ApiToken', { issuerOrganisationId: operator.organisationId }, null, operationTarget(null));
    const store = new ApiTokenStore(w.tx);
    const hashed = operations.map((op) => ({ ...op, sha256: createHash('sha256').update(op.document, 'utf8').digest('hex') }));
    const known = new Map((await store.persistedOperationsBySha256(hashed.map((op) => op.sha256))).map((row) => [row.sha256, row]));
    const results: RegisteredOperation[] = [];
    for (const op of hashed) {
      const existing = known.get(op.sha256);
      if (existing) {
        results.push({ operation: existing, created: false });
        continue;
      }
      const row = await store.insertPersistedOperation({ id: op.id, sha256: op.sha256, document: op.document, operationName: op.operationName });
      if (!row) throw conflict(`Another document is registered as ${op.id} already; persisted operations are immutable.`);
      known.set(row.sha256, row);
      w.change(operationTarget(row.id), [], 'CREATE', grant);
      results.push({ operation: row, created: true });
    }
    return results;
  });
}

/**
 * Removes a persisted operation by id or SHA-256 (lower-case hex); logged as DELETE. Partners sending
 * it get PERSISTED_QUERY_NOT_FOUND from their next request on (the gateway reads operations on every
 * request). Tokens whose allowlist names it keep the name, which then runs nothing.
 */
export function removeOperationAsSystem(db: Db, operator: PartnerTokenOperator, idOrSha256: string): Promise<PersistedOperationRow> {
  return systemWrite(db, as(operator), async (w) => {
    const store = new ApiTokenStore(w.tx);
    const row = await store.persistedOperation(idOrSha256);
    if (!row) throw notFound('PersistedOperation', idOrSha256);
    const grant = w.authorize('update', 'ApiToken', { issuerOrganisationId: operator.organisationId }, null, operationTarget(row.id));
    await store.deletePersistedOperation(row.id);
    w.change(operationTarget(row.id), [], 'DELETE', grant);
    return row;
  });
}
