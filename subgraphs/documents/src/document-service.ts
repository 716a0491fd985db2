import { AUDIT_ACTION_OF, type AuditTarget, audited, conflict, isUuid, notFound, recordRefusedTarget, type RequestContext } from '@vartija/kit';
import { sql } from 'drizzle-orm';
import type { z } from 'zod';
import { type correctDocumentInput, correctedFields } from './document-input';
import { DocumentWriteStore } from './document-write-store';
import type { Loaders } from './loaders';

type Ctx = RequestContext<Loaders>;
const today = () => new Date().toISOString().slice(0, 10);

export interface RecordDocumentCommand {
  clientId: string;
  unitId: string;
  type: Parameters<DocumentWriteStore['insertDocument']>[0]['type'];
  title: string;
  body: string;
}

/** Writes of the documents subgraph as audited writes (kit/write-service.ts). */
export class DocumentService {
  constructor(private readonly ctx: Ctx) {}

  recordDocument(input: RecordDocumentCommand): Promise<string> {
    return audited(this.ctx, async (w) => {
      const store = new DocumentWriteStore(w.tx);
      const client = await w.client(input.clientId);
      const [relationship] = isUuid(input.unitId) ? await store.relationships(client.id, input.unitId) : [];
      // A partner writes under its commission from the unit; staff within the unit's relationship.
      const commission =
        w.actor.kind === 'PARTNER' && isUuid(input.unitId)
          ? await store.activeCommission(client.id, input.unitId, w.actor.organisationId, today())
          : undefined;
      const values = {
        clientId: client.id,
        unitId: input.unitId,
        relationshipId: relationship && !relationship.endedOn ? relationship.id : null,
        commissionId: commission?.id ?? null,
        authorId: w.actor.kind === 'USER' ? w.actor.id : null,
        authorOrganisationId: w.actor.organisationId,
        type: input.type,
        title: input.title,
        body: input.body,
      };
      const target: AuditTarget = { entityType: 'Document', entityId: null, clientId: client.id, unitId: input.unitId };
      // Hidden or refused depends on the client alone: whether it has a relationship with some other unit
      // must not show in the answer.
      // `commissionScopes`: what the commission lets the partner do (its partnerScopes; roles.ts partner()).
      const subject = { ...values, servingUnitIds: client.servingUnitIds, via: client.via, commissionScopes: commission?.partnerScopes ?? [] };
      const grant = w.authorizeOn(client, 'create', 'Document', subject, null, target);
      const document = await store.insertDocument(values);
      await store.insertRevision({ documentId: document.id, revision: 1, title: document.title, body: document.body, authorId: document.authorId });
      w.change({ ...target, entityId: document.id }, ['body', 'title', 'type'], 'CREATE', grant);
      return document.id;
    });
  }

  correctDocument(id: string, expectedRevision: number, input: z.infer<typeof correctDocumentInput>): Promise<string> {
    return audited(this.ctx, async (w) => {
      const store = new DocumentWriteStore(w.tx);
      const current = isUuid(id) ? await store.document(id, this.ctx.loaders.scope.document) : undefined;
      const target: AuditTarget = { entityType: 'Document', entityId: id, clientId: current?.clientId ?? null, unitId: current?.unitId ?? null };
      if (!current) {
        // A document the actor cannot see answers like an unknown id; the attempt is logged (kit recordRefusedTarget)
        // naming its client when the client is in the register the actor works in (w.client: unknown otherwise).
        if (isUuid(id)) {
          const hidden = await store.document(id, sql`TRUE`);
          const named = hidden && (await w.client(hidden.clientId).catch(() => null)) ? hidden.clientId : null;
          recordRefusedTarget(this.ctx.audit, w.actor, { entityType: 'Document', entityId: id }, named, null, AUDIT_ACTION_OF.correct, 'document not visible to the actor');
        }
        throw notFound('Document', id);
      }
      const grant = w.authorize('correct', 'Document', current, null, target);
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
        authorId: w.actor.kind === 'USER' ? w.actor.id : null,
        reason: input.reason,
      });
      w.change(target, correctedFields(current, updated), 'UPDATE', grant);
      return updated.id;
    });
  }
}
