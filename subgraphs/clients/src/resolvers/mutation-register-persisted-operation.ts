import { persistedOperations } from '@vartija/db';
import { type AuditTarget, audited, badInput, isOperationId, isSha256Reference } from '@vartija/kit';
import { createHash } from 'node:crypto';
import { Kind, parse } from 'graphql';
import type { MutationResolvers } from '../generated/resolvers-types';

function operationNameOf(document: string): string | null {
  try {
    const operations = parse(document).definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
    if (operations.length !== 1) throw new Error('one operation');
    return operations[0]!.name?.value ?? null;
  } catch {
    throw badInput('document', 'must be a GraphQL document with exactly one operation');
  }
}

export const registerPersistedOperation: MutationResolvers['registerPersistedOperation'] = (_root, args, ctx) =>
  audited(ctx, async (w) => {
    const target: AuditTarget = { entityType: 'PersistedOperation', entityId: null, clientId: null };
    // Persisted operations are shared, immutable documents: any region's registrar may register one.
    const grant = w.authorize('create', 'ApiToken', { issuerOrganisationId: w.actor.organisationId }, null, target);
    if (!isOperationId(args.id)) throw badInput('id', 'use 1–100 letters, digits, and _ . : -');
    // An id that reads as a hash would stand, in an allowlist, for another document's hash: refused.
    if (isSha256Reference(args.id)) throw badInput('id', 'must not look like a SHA-256 hash (an operation is found by its hash already); use a readable name');
    const operationName = operationNameOf(args.document);
    const sha256 = createHash('sha256').update(args.document, 'utf8').digest('hex');
    const [row] = await w.tx
      .insert(persistedOperations)
      .values({ id: args.id, sha256, document: args.document, operationName })
      .onConflictDoNothing()
      .returning();
    if (!row) throw badInput('id', 'an operation with this id or document is already registered; persisted operations are immutable');
    w.change({ ...target, entityId: row.id }, [], 'CREATE', grant);
    return { id: row.id, sha256: row.sha256 };
  });
