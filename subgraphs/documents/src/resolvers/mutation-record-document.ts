import { assertCan, isUuid, notFound, parseInput } from '@vartija/kit';
import { recordDocumentInput } from '../document-input';
import { DocumentWriteStore } from '../document-write-store';
import type { MutationResolvers } from '../generated/resolvers-types';

const today = () => new Date().toISOString().slice(0, 10);

export const recordDocument: MutationResolvers['recordDocument'] = async (_root, args, ctx) => {
  const { actor, ability, audit, db, loaders } = ctx;
  const input = parseInput(recordDocumentInput, args.input);
  if (!isUuid(input.clientId)) throw notFound('Client', input.clientId);
  if (!isUuid(input.unitId)) throw notFound('Unit', input.unitId);
  // Archived or other units' clients are invisible: the same answer as an unknown id, before anything else.
  if (!(await loaders.visibleClient.load(input.clientId))) throw notFound('Client', input.clientId);
  return db.transaction(async (tx) => {
    const store = new DocumentWriteStore(tx);
    const [relationship] = await store.relationships(input.clientId, input.unitId);
    // A partner writes under its commission from the unit; staff within the unit's relationship.
    const commission =
      actor.kind === 'PARTNER'
        ? await store.activeCommission(input.clientId, input.unitId, actor.organisationId, today())
        : undefined;
    // A client the unit does not serve is invisible to it: same answer as an unknown id.
    if (!relationship && !commission) throw notFound('Client', input.clientId);
    const values = {
      clientId: input.clientId,
      unitId: input.unitId,
      relationshipId: relationship && !relationship.endedOn ? relationship.id : null,
      commissionId: commission?.id ?? null,
      authorId: actor.kind === 'USER' ? actor.id : null,
      authorOrganisationId: actor.organisationId,
      type: input.type,
      title: input.title,
      body: input.body,
    };
    assertCan({ ability, audit }, 'create', 'Document', values);
    const document = await store.insertDocument(values);
    await store.insertRevision({
      documentId: document.id,
      revision: 1,
      title: document.title,
      body: document.body,
      authorId: document.authorId,
    });
    audit.recordChange(
      { entityType: 'Document', entityId: document.id, clientId: document.clientId, unitId: document.unitId },
      ['body', 'title', 'type'],
      'CREATE',
    );
    await audit.flush(tx);
    loaders.document.prime(document.id, document);
    return document;
  });
};
