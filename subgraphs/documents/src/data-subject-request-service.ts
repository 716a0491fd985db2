import { dataSubjectRequests } from '@vartija/db';
import {
  type AuditedWrite,
  type AuditTarget,
  audited,
  badInput,
  changedFields,
  conflict,
  finnishDateOf,
  isUuid,
  notFound,
  type PolicyGrant,
  type RequestContext,
  rowScope,
  type Subject,
  tableOf,
  todayInFinland,
} from '@vartija/kit';
import { and, eq, getTableColumns } from 'drizzle-orm';
import {
  addMonths,
  type DecideDataSubjectRequestInput,
  type ExtendDataSubjectRequestInput,
  type ReceiveDataSubjectRequestInput,
} from './data-subject-request-input';
import { type DataSubjectRequestRow, DataSubjectRequestStore } from './data-subject-request-store';
import { correctedFields } from './document-input';
import { DocumentWriteStore } from './document-write-store';
import { HISTORY_ENTITY_TYPES } from './history-service';
import type { Loaders } from './loaders';

type Ctx = RequestContext<Loaders>;
const ENTITY = 'DataSubjectRequest';
const DECIDED = ['GRANTED', 'PARTLY_GRANTED', 'REFUSED', 'COMPLETED'];

/** The GraphQL fields (what the log names) of the stored columns a write sets. */
const LOG_FIELD: Record<string, string> = {
  decidedBy: 'decidedByName',
  extendedBy: 'extensionReason',
  correctedEntityType: 'correction',
  correctedEntityId: 'correction',
  correctedRevision: 'correction',
  objectionRecipientOrganisationId: 'objectionScope',
  objectionRecipientName: 'objectionScope',
  objectionAllNonStatutory: 'objectionScope',
  identityVerificationNote: 'identityVerificationNote',
  receivedBy: 'receivedOn',
};
const logFieldsOf = (fields: readonly string[]) => [...new Set(fields.map((f) => LOG_FIELD[f] ?? f))].sort();

/**
 * The data-subject request workflow (issue 12; seeds 001–003) as audited writes (kit/write-service.ts):
 * received in the unit where the data arose, due one month later, extended once by at most two months
 * with a reason, decided GRANTED / PARTLY_GRANTED / REFUSED with the legal ground and (for a refusal)
 * the reasons. A granted rectification is carried out as a correction that keeps the original and is
 * linked to the request. Who may do what is in roles.ts (dataSubjectRequestWrites,
 * organisationDataSubjectRequests).
 */
export class DataSubjectRequestService {
  constructor(private readonly ctx: Ctx) {}

  receive(input: ReceiveDataSubjectRequestInput): Promise<string> {
    return audited(this.ctx, async (w) => {
      const store = new DataSubjectRequestStore(w.tx);
      const client = await w.client(input.clientId);
      const unitId = isUuid(input.unitId) ? input.unitId : null;
      const target: AuditTarget = { entityType: ENTITY, entityId: null, clientId: client.id, unitId };
      const subject = { clientId: client.id, unitId: input.unitId, organisationId: client.organisationId, via: client.via };
      const grant = w.authorizeOn(client, 'create', ENTITY, subject, null, target);
      // Handled where the data arose (seed 001): a unit the client has, or had, a relationship with.
      if (!unitId || !(await store.hasRelationship(client.id, unitId))) {
        throw badInput('input.unitId', 'the request is handled in the unit where the data arose: give a unit the client has, or had, a relationship with');
      }
      const objection = input.objection;
      if (objection?.recipientOrganisationId && !(isUuid(objection.recipientOrganisationId) && (await store.organisationExists(objection.recipientOrganisationId)))) {
        throw notFound('Organisation', objection.recipientOrganisationId);
      }
      const values = {
        clientId: client.id,
        unitId,
        kind: input.kind,
        status: 'RECEIVED' as const,
        receivedOn: input.receivedOn,
        requesterKind: input.requesterKind,
        requesterName: input.requesterName,
        identityVerification: input.identityVerification,
        identityVerificationNote: input.identityVerificationNote,
        channel: input.channel,
        subject: input.subject,
        receivedBy: w.actor.kind === 'USER' && isUuid(w.actor.id) ? w.actor.id : null,
        objectionRecipientOrganisationId: objection?.recipientOrganisationId ?? null,
        objectionRecipientName: objection?.recipientName ?? null,
        objectionAllNonStatutory: objection?.allNotBasedOnLaw ?? false,
      };
      const id = await store.insert(values);
      const written = Object.entries(values).filter(([k, v]) => v !== null && v !== false && k !== 'clientId' && k !== 'unitId').map(([k]) => k);
      w.change({ ...target, entityId: id }, logFieldsOf([...written, 'dueOn']), 'CREATE', grant);
      return id;
    });
  }

  extend(id: string, input: ExtendDataSubjectRequestInput): Promise<string> {
    return audited(this.ctx, async (w) => {
      const { current, grant, target } = await this.forUpdate(w, id, ['extendedDueOn', 'extensionReason', 'status']);
      if (DECIDED.includes(current.status)) throw conflict(`The request was decided on ${current.decidedOn}: a decided request is not extended.`);
      if (current.extendedDueOn) {
        throw conflict(`The due date was already extended once (to ${current.extendedDueOn}): it may be extended only once, by at most two months.`, {
          extendedDueOn: current.extendedDueOn,
        });
      }
      // The extension is made, and the requester told, within the first month (EU 2016/679 12 art. 3).
      if (todayInFinland() > current.dueOn) {
        throw conflict(`The request was due on ${current.dueOn}: an extension is made within the month after receipt, not after the due date.`);
      }
      const latest = addMonths(current.dueOn, 2);
      const extendedDueOn = input.extendedDueOn ?? latest;
      if (extendedDueOn <= current.dueOn || extendedDueOn > latest) {
        throw badInput('extendedDueOn', `must be after the due date ${current.dueOn} and at most two months after it (${latest})`);
      }
      const patch = {
        status: 'EXTENDED' as const,
        extendedDueOn,
        extensionReason: input.reason,
        extendedBy: w.actor.kind === 'USER' && isUuid(w.actor.id) ? w.actor.id : null,
      };
      const fields = changedFields(current, patch);
      await w.revise({ ...target, entityId: current.id }, dataSubjectRequests, current, patch, { fields, reason: input.reason, grant, logFields: logFieldsOf(fields) });
      return current.id;
    });
  }

  decide(id: string, input: DecideDataSubjectRequestInput): Promise<string> {
    return audited(this.ctx, async (w) => {
      const fields = ['outcome', 'legalGround', 'reasons', 'decidedOn', 'status', 'feeCharged', 'feeGround', 'correction'];
      const { current, grant, target } = await this.forUpdate(w, id, fields);
      if (DECIDED.includes(current.status)) throw conflict(`The request was already decided on ${current.decidedOn}: a decision is not made twice.`);
      const carriesCorrection = current.kind === 'RECTIFICATION' && input.outcome !== 'REFUSED';
      if (carriesCorrection && !input.correction) {
        throw badInput('input.correction', 'a granted rectification is carried out as a correction: give correction.document, or correction.revision naming the change made with the record\'s update mutation');
      }
      if (!carriesCorrection && input.correction) {
        throw badInput('input.correction', 'only a granted or partly granted RECTIFICATION carries a correction');
      }
      if (current.kind === 'OBJECTION' && input.outcome === 'PARTLY_GRANTED') {
        throw badInput('input.outcome', 'an objection is GRANTED or REFUSED for the disclosures it names: receive a separate request for each recipient');
      }
      let correction: { correctedEntityType: string; correctedEntityId: string; correctedRevision: number } | null = null;
      if (input.correction?.document) correction = await this.correctDocument(w, current, input.correction.document);
      else if (input.correction?.revision) correction = await this.linkRevision(w, current, input.correction.revision);
      const patch = {
        status: input.outcome,
        outcome: input.outcome,
        legalGround: input.legalGround,
        reasons: input.reasons,
        decidedOn: todayInFinland(),
        decidedBy: w.actor.kind === 'USER' && isUuid(w.actor.id) ? w.actor.id : null,
        feeCharged: input.feeCharged,
        feeGround: input.feeGround,
        ...(correction ?? {}),
      };
      const changed = changedFields(current, patch);
      await w.revise({ ...target, entityId: current.id }, dataSubjectRequests, current, patch, { fields: changed, reason: `decided: ${input.outcome}`, grant, logFields: logFieldsOf(changed) });
      return current.id;
    });
  }

  /**
   * The request an extension or decision is about, locked; NOT_FOUND unless within the actor's row scope
   * (an attempt on one of the caller's own clients' requests is logged as DENIED); then the policy's
   * `update` decision on `{ ...row, organisationId, via }`.
   */
  private async forUpdate(w: AuditedWrite, id: string, fields: string[]): Promise<{ current: DataSubjectRequestRow; grant: PolicyGrant | undefined; target: AuditTarget }> {
    const store = new DataSubjectRequestStore(w.tx);
    const current = (await w.lock(dataSubjectRequests, id)) as DataSubjectRequestRow | undefined;
    if (!current) throw notFound(ENTITY, id);
    const target: AuditTarget = { entityType: ENTITY, entityId: current.id, clientId: current.clientId, unitId: current.unitId };
    const client = await w.client(current.clientId, () => notFound(ENTITY, id));
    if (!(await store.visible(current.id, this.ctx.loaders.scope.dataSubjectRequest))) {
      w.deny('update', target, 'data-subject request not visible to the actor');
      throw notFound(ENTITY, id);
    }
    const [withVia] = await this.ctx.grants.attach(ENTITY, [{ ...current }], w.tx);
    const grant = w.authorize('update', ENTITY, { ...withVia!, organisationId: client.organisationId }, fields, target);
    return { current, grant, target };
  }

  /**
   * A document of the request's client and unit corrected as correctDocument does (a new revision; the
   * original stays), its reason naming the request. Only who may correct the document does it (its
   * author or the unit's MANAGER): anyone else is refused and logged.
   */
  private async correctDocument(
    w: AuditedWrite,
    request: DataSubjectRequestRow,
    input: NonNullable<NonNullable<DecideDataSubjectRequestInput['correction']>['document']>,
  ) {
    const store = new DocumentWriteStore(w.tx);
    const current = isUuid(input.documentId) ? await store.document(input.documentId, this.ctx.loaders.scope.document) : undefined;
    const target: AuditTarget = { entityType: 'Document', entityId: input.documentId, clientId: request.clientId, unitId: request.unitId };
    if (!current || current.clientId !== request.clientId || current.unitId !== request.unitId) {
      throw notFound('Document', input.documentId);
    }
    const grant = w.authorize('correct', 'Document', current, null, target);
    const updated = await store.advanceRevision(current.id, input.expectedRevision, { title: input.title, body: input.body });
    if (!updated) {
      const currentRevision = (await store.currentRevision(current.id)) ?? current.currentRevision;
      throw conflict(`Document was corrected by someone else: the current revision is ${currentRevision}, you had ${input.expectedRevision}; reload it and try again.`, {
        currentRevision,
      });
    }
    await store.insertRevision({
      documentId: updated.id,
      revision: updated.currentRevision,
      title: updated.title,
      body: updated.body,
      authorId: w.actor.kind === 'USER' ? w.actor.id : null,
      reason: `Oikaisupyyntö / rectification request DSR ${request.id}`,
    });
    w.change(target, correctedFields(current, updated), 'UPDATE', grant);
    return { correctedEntityType: 'Document', correctedEntityId: updated.id, correctedRevision: updated.currentRevision };
  }

  /**
   * A correction of another subgraph's record, made first with its update mutation: the history change
   * must be of a record the actor sees, of the request's client, made on or after the request was received
   * (Finnish days), and not already linked to another request.
   */
  private async linkRevision(w: AuditedWrite, request: DataSubjectRequestRow, ref: { entityType: string; entityId: string; revision: number }) {
    const types = HISTORY_ENTITY_TYPES.filter((type) => type !== 'Document' && type !== ENTITY);
    if (!(types as readonly string[]).includes(ref.entityType)) {
      throw badInput('input.correction.revision.entityType', `must be one of ${types.join(', ')} (a document is corrected with correction.document)`);
    }
    const subject = ref.entityType as Subject;
    const missing = () => notFound('Revision', `${ref.entityType}/${ref.entityId}/${ref.revision}`);
    if (!isUuid(ref.entityId)) throw missing();
    const table = tableOf(subject);
    const columns = getTableColumns(table) as Record<string, never>;
    const visible = await w.tx
      .select({ id: columns['id']! })
      .from(table)
      .where(and(eq(columns['id']!, ref.entityId), rowScope(this.ctx.ability, subject)));
    if (visible.length === 0) throw missing();
    const store = new DataSubjectRequestStore(w.tx);
    const revision = await store.revision(ref.entityType, ref.entityId, ref.revision);
    if (!revision || revision.clientId !== request.clientId) throw missing();
    // The day of the change in Finland, as the receipt date is (kit/finnish-date.ts).
    if (finnishDateOf(revision.changedAt) < request.receivedOn) {
      throw badInput('input.correction.revision', `the change was made before the request was received (${request.receivedOn}): name the correction made for this request`);
    }
    // One change carries out one request: a change already linked to another request is not this one's correction.
    const other = await store.linkedElsewhere(ref.entityType, ref.entityId, ref.revision, request.id);
    if (other) {
      throw conflict(`This change is already linked as the correction of data-subject request ${other}: make the correction this request asks for and link that change.`, {
        dataSubjectRequestId: other,
      });
    }
    return { correctedEntityType: ref.entityType, correctedEntityId: ref.entityId, correctedRevision: ref.revision };
  }
}
