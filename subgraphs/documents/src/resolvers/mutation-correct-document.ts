import { assertCan, conflict, isUuid, notFound, parseInput } from '@vartija/kit';
import { correctDocumentInput, correctedFields, expectedRevision as revisionNumber } from '../document-input';
import { DocumentWriteStore } from '../document-write-store';
import type { MutationResolvers } from '../generated/resolvers-types';

export const correctDocument: MutationResolvers['correctDocument'] = async (_root, args, ctx) => {
  const { actor, ability, audit, db, loaders } = ctx;
  if (!isUuid(args.id)) throw notFound('Document', args.id);
  const expectedRevision = parseInput(revisionNumber, args.expectedRevision, 'expectedRevision');
  const input = parseInput(correctDocumentInput, args.input);
  return db.transaction(async (tx) => {
    const store = new DocumentWriteStore(tx);
    const current = await store.document(args.id, loaders.scope.document);
    if (!current) throw notFound('Document', args.id);
    assertCan({ ability, audit }, 'correct', 'Document', current);
    // Conditional on the revision read: a correction made meanwhile is never overwritten.
    const updated = await store.advanceRevision(current.id, expectedRevision, { title: input.title, body: input.body });
    if (!updated) {
      const currentRevision = (await store.currentRevision(current.id)) ?? current.currentRevision;
      throw conflict(
        `Document was corrected by someone else: the current revision is ${currentRevision}, you had ${expectedRevision}; reload it and try again.`,
        { currentRevision },
      );
    }
    await store.insertRevision({
      documentId: updated.id,
      revision: updated.currentRevision,
      title: updated.title,
      body: updated.body,
      authorId: actor.kind === 'USER' ? actor.id : null,
      reason: input.reason,
    });
    audit.recordChange(
      { entityType: 'Document', entityId: updated.id, clientId: updated.clientId, unitId: updated.unitId },
      correctedFields(current, updated),
      'UPDATE',
    );
    await audit.flush(tx);
    loaders.document.clear(updated.id).prime(updated.id, updated);
    loaders.revisions.clear(updated.id);
    return updated;
  });
};
