import { persistedOperations } from '@vartija/db';
import { assertCan, badInput } from '@vartija/kit';
import { createHash } from 'node:crypto';
import { Kind, parse } from 'graphql';
import type { MutationResolvers } from '../generated/resolvers-types';

export const registerPersistedOperation: MutationResolvers['registerPersistedOperation'] = async (_root, args, ctx) => {
  const { ability, audit, db } = ctx;
  assertCan({ ability, audit }, 'create', 'ApiToken', {});
  if (!/^[A-Za-z0-9_.:-]{1,100}$/.test(args.id)) throw badInput('id', 'use 1–100 letters, digits, and _ . : -');
  let operationName: string | null = null;
  try {
    const operations = parse(args.document).definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
    if (operations.length !== 1) throw new Error('one operation');
    operationName = operations[0]!.name?.value ?? null;
  } catch {
    throw badInput('document', 'must be a GraphQL document with exactly one operation');
  }
  const sha256 = createHash('sha256').update(args.document, 'utf8').digest('hex');
  const [row] = await db
    .insert(persistedOperations)
    .values({ id: args.id, sha256, document: args.document, operationName })
    .onConflictDoNothing()
    .returning();
  if (!row) throw badInput('id', 'an operation with this id or document is already registered; persisted operations are immutable');
  audit.recordChange({ entityType: 'PersistedOperation', entityId: row.id, clientId: null }, [], 'CREATE');
  return { id: row.id, sha256: row.sha256 };
};
