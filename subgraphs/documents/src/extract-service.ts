import { subject as asSubject } from '@casl/ability';
import { dataSubjectRequests } from '@vartija/db';
import {
  type AuditEntityType,
  type AuditTarget,
  audited,
  badInput,
  type ClientSubject,
  conflict,
  forbidden,
  grantKeyOfRule,
  isUuid,
  notFound,
  type PolicyGrant,
  recordRefusedTarget,
  type RequestContext,
  SENSITIVE_FIELDS,
} from '@vartija/kit';
import { addMonths, today } from './data-subject-request-input';
import { isRestrictedType } from './document-input';
import type { ExtractRedactionsInput } from './extract-input';
import { type ExtractEntityType, type ExtractRedactionRow, type ExtractRow, ExtractStore } from './extract-store';
import type { Loaders } from './loaders';

/** Keys the register keeps about a record, not data about the person: the statistics key links kept facts (issue 13). */
const INTERNAL_COLUMNS: ReadonlySet<string> = new Set(['statisticsKey']);

type Ctx = RequestContext<Loaders>;
type Disclosure = 'SHOWN' | 'WITHHELD' | 'AWAITING_REDACTION_DECISION';

export interface ExtractField {
  name: string;
  category: string;
  value: string | null;
}
export interface ExtractRecord {
  id: string;
  entityType: ExtractEntityType;
  unitId: string | null;
  disclosure: Disclosure;
  fields: ExtractField[];
}
type RequestRow = typeof dataSubjectRequests.$inferSelect;
export interface ClientRecordExtractModel {
  request: { id: string; kind: RequestRow['kind']; status: RequestRow['status']; receivedOn: string; unitId: string | null };
  clientId: string;
  controllerName: string;
  serviceLanguage: string | null;
  clientArchived: boolean;
  producedAt: Date;
  units: { id: string; name: string; organisationName: string }[];
  sections: { entityType: ExtractEntityType; records: ExtractRecord[] }[];
  redactions: ExtractRedactionRow[];
  awaitingRedaction: string[];
}

/** Sections in the extract's order: the person, the relationships, the service records, the documents, the requests, the history. */
const SECTIONS: readonly ExtractEntityType[] = [
  'Client',
  'Guardian',
  'ClientRelationship',
  'Commission',
  'Consent',
  'Decision',
  'Placement',
  'CareDay',
  'PaymentCommitment',
  'Invoice',
  'Restriction',
  'AssistanceRequest',
  'Medication',
  'Document',
  'DocumentRevision',
  'Disclosure',
  'DataSubjectRequest',
  'Revision',
];

/** The category a stored column is logged under when the API has no sensitive field of that name. */
const DEFAULT_CATEGORY: Record<ExtractEntityType, string> = {
  Client: 'IDENTITY',
  Guardian: 'FAMILY',
  ClientRelationship: 'WELFARE',
  Commission: 'WELFARE',
  Consent: 'CASE_RECORD',
  Decision: 'WELFARE',
  Placement: 'WELFARE',
  CareDay: 'WELFARE',
  PaymentCommitment: 'FINANCIAL',
  Invoice: 'FINANCIAL',
  Restriction: 'WELFARE',
  AssistanceRequest: 'WELFARE',
  Medication: 'HEALTH',
  Document: 'CASE_RECORD',
  DocumentRevision: 'CASE_RECORD',
  Disclosure: 'CASE_RECORD',
  DataSubjectRequest: 'CASE_RECORD',
  Revision: 'CASE_RECORD',
};

/** What a document (or revision) of a restricted type keeps in the extract until it is shown by a decision: no content. */
const WITHHELD_COLUMNS: Partial<Record<ExtractEntityType, readonly string[]>> = {
  Document: ['title', 'body', 'authorId', 'authorOrganisationId'],
  DocumentRevision: ['title', 'body', 'reason', 'authorId'],
};

/** Statuses of a request an extract may be made for: received, extended, or granted (in whole or part). */
const ANSWERABLE = ['RECEIVED', 'EXTENDED', 'GRANTED', 'PARTLY_GRANTED', 'COMPLETED'];
const ARCHIVE_WINDOW_MONTHS = 12;

function categoryOf(type: ExtractEntityType, field: string): string {
  return SENSITIVE_FIELDS.find((f) => f.type === type && f.field === field)?.category ?? DEFAULT_CATEGORY[type];
}

/** A stored value as text: dates as stored, instants ISO 8601, lists and objects as JSON. */
function asText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/**
 * The full extract of a client's record answering an ACCESS request (issue 12 item 4; tarkastusoikeus, seeds
 * 000–003): every row the controller's register holds on the person, in every unit, archived included,
 * read in one transaction with one statement per table. One policy decision (`create` ClientRecordExtract,
 * roles.ts clientRecordExtracts) on `{ organisationId, clientId, via }`; a refusal is logged as DENIED EXPORT.
 * Every record given is logged as EXPORT with the fields and categories given, the reason naming the
 * request. Documents of a restricted type keep their content out until a redaction decision shows them.
 */
export class ExtractService {
  constructor(private readonly ctx: Ctx) {}

  extract(clientId: string, requestId: string): Promise<ClientRecordExtractModel> {
    return audited(this.ctx, async (w) => {
      const store = new ExtractStore(w.tx);
      const client = await w.client(clientId).catch((error: unknown) => {
        // A client outside the caller's register: a refused target without a client (kit recordRefusedTarget; a
        // client in it is named by authorize below).
        if (isUuid(clientId)) recordRefusedTarget(this.ctx.audit, this.ctx.actor, { entityType: 'Client', entityId: clientId }, null, null, 'EXPORT', 'client record extract not permitted');
        throw error;
      });
      const target: AuditTarget = { entityType: 'Client', entityId: client.id, clientId: client.id, unitId: null };
      const grant = this.authorize(client, target);
      const request = await this.answerable(store, client, requestId);
      const found = await store.client(client.id);
      if (!found) throw notFound('Client', clientId);

      // One statement per table, one after the other on the transaction's connection.
      const [guardians, relationships, commissions, consents, decisions, placements, careDays, paymentCommitments, invoices] = [
        await store.guardians(client.id),
        await store.relationships(client.id),
        await store.commissions(client.id),
        await store.consents(client.id),
        await store.decisions(client.id),
        await store.placements(client.id),
        await store.careDays(client.id),
        await store.paymentCommitments(client.id),
        await store.invoices(client.id),
      ];
      const [restrictions, assistanceRequests, medications, documents, documentRevisions, disclosures, requests, revisions, redactions] = [
        await store.restrictions(client.id),
        await store.assistanceRequests(client.id),
        await store.medications(client.id),
        await store.documents(client.id),
        await store.documentRevisions(client.id),
        await store.disclosures(client.id),
        await store.dataSubjectRequests(client.id),
        await store.revisions(client.id),
        await store.redactions(request.id),
      ];
      const rows: Record<ExtractEntityType, ExtractRow[]> = {
        Client: [{ row: found.row, unitId: null }],
        Guardian: guardians,
        ClientRelationship: relationships,
        Commission: commissions,
        Consent: consents,
        Decision: decisions,
        Placement: placements,
        CareDay: careDays,
        PaymentCommitment: paymentCommitments,
        Invoice: invoices,
        Restriction: restrictions,
        AssistanceRequest: assistanceRequests,
        Medication: medications,
        Document: documents,
        DocumentRevision: documentRevisions,
        Disclosure: disclosures,
        DataSubjectRequest: requests,
        Revision: revisions,
      };

      // Restricted documents: shown only after a decision to show them; withheld by decision, or awaiting one.
      const decided = new Map(redactions.map((r) => [r.documentId, r]));
      const restricted = new Map<string, Disclosure>();
      for (const { row } of documents) {
        if (!isRestrictedType(row['type'] as never)) continue;
        const decision = decided.get(row['id'] as string);
        restricted.set(row['id'] as string, decision ? (decision.withhold ? 'WITHHELD' : 'SHOWN') : 'AWAITING_REDACTION_DECISION');
      }
      const disclosureOf = (type: ExtractEntityType, row: Record<string, unknown>): Disclosure => {
        if (type === 'Document') return restricted.get(row['id'] as string) ?? 'SHOWN';
        if (type === 'DocumentRevision') return restricted.get(row['documentId'] as string) ?? 'SHOWN';
        return 'SHOWN';
      };

      const reason = `client record extract for data-subject request ${request.id}${this.ctx.actor.intent === 'PRINT' ? ' (declared as a print)' : ''}`;
      // The request the extract answers: one entry naming it, then one per record given.
      this.ctx.audit.record(this.logTarget({ entityType: 'DataSubjectRequest', entityId: request.id, clientId: client.id, unitId: request.unitId }, grant), null, 'EXPORT', 'ALLOWED', reason);
      const sections = SECTIONS.map((entityType) => ({
        entityType,
        records: rows[entityType].map(({ row, unitId }) => {
          const disclosure = disclosureOf(entityType, row);
          const left = disclosure === 'SHOWN' ? [] : (WITHHELD_COLUMNS[entityType] ?? []);
          const fields = Object.entries(row)
            .filter(([name]) => name !== 'id' && !INTERNAL_COLUMNS.has(name) && !left.includes(name))
            .map(([name, value]) => ({ name, category: categoryOf(entityType, name), value: asText(value) }));
          const id = String(row['id']);
          const logged = this.logTarget({ entityType: entityType as AuditEntityType, entityId: id, clientId: client.id, unitId }, grant);
          this.ctx.audit.record(logged, null, 'EXPORT', 'ALLOWED', reason);
          for (const field of fields) if (field.value !== null) this.ctx.audit.record(logged, { field: field.name, category: field.category }, 'EXPORT', 'ALLOWED', reason);
          return { id, entityType, unitId, disclosure, fields };
        }),
      }));

      const unitIds = new Set<string>();
      for (const type of SECTIONS) for (const r of rows[type]) if (r.unitId) unitIds.add(r.unitId);
      if (request.unitId) unitIds.add(request.unitId);
      const unitRows = await store.units([...unitIds]);
      return {
        request: { id: request.id, kind: request.kind, status: request.status, receivedOn: request.receivedOn, unitId: request.unitId },
        clientId: client.id,
        controllerName: found.controllerName,
        serviceLanguage: (found.row['serviceLanguage'] as string | null) ?? null,
        clientArchived: archived(relationships),
        producedAt: new Date(),
        units: unitRows,
        sections,
        redactions,
        awaitingRedaction: [...restricted].filter(([, d]) => d === 'AWAITING_REDACTION_DECISION').map(([id]) => id),
      };
    });
  }

  /**
   * Records redaction decisions for the extract answering `requestId`. A redaction decision is a decision on
   * the request: made by whoever may decide it (`update` DataSubjectRequest in roles.ts — the handling unit's
   * SOCIAL_WORKER / MANAGER, or the REGISTRAR for an archived client; never the DPO, who writes nothing).
   * Only documents of a restricted type of the request's client; a document is decided once (CONFLICT after).
   */
  decideRedactions(requestId: string, input: ExtractRedactionsInput): Promise<ExtractRedactionRow[]> {
    return audited(this.ctx, async (w) => {
      const store = new ExtractStore(w.tx);
      const hidden = () => notFound('DataSubjectRequest', requestId);
      const request = (await w.lock(dataSubjectRequests, requestId)) as RequestRow | undefined;
      if (!request) throw hidden();
      const client = await w.client(request.clientId, hidden);
      const target: AuditTarget = { entityType: 'DataSubjectRequest', entityId: request.id, clientId: client.id, unitId: request.unitId };
      if (!(await store.visibleRequest(request.id, this.ctx.loaders.scope.dataSubjectRequest))) {
        w.deny('update', target, 'data-subject request not visible to the actor');
        throw hidden();
      }
      const [withVia] = await this.ctx.grants.attach('DataSubjectRequest', [{ ...request }], w.tx);
      const grant = w.authorize('update', 'DataSubjectRequest', { ...withVia!, organisationId: client.organisationId }, ['extractRedactions'], target);
      await this.answerable(store, client, request.id, 'requestId');
      const ids = input.map((r) => r.documentId);
      if (new Set(ids).size !== ids.length) throw badInput('redactions', 'each document is named once');
      input.forEach((r, i) => {
        if (!isUuid(r.documentId)) throw badInput(`redactions.${i}.documentId`, 'must be the id (UUID) of a document');
      });
      // Whether to show a document is decided by one who may read it, through the grant that handles the request.
      // Readability first, and one answer for every document the decider may not read — the client's, another
      // client's or none — so that the answer tells nothing of a document it may not see (its client, its type).
      const found = await store.documentsOf(client.id, ids);
      const readable = await this.ctx.grants.attach('Document', await store.documentsOf(client.id, ids, this.ctx.loaders.scope.document), w.tx);
      for (const r of input) {
        const document = readable.find((d) => d.id === r.documentId);
        const mayRead = document && grant && document.via.includes(grant.key) && this.ctx.ability.can('read', asSubject('Document', { ...document }) as never, 'body');
        if (mayRead) continue;
        if (found.some((d) => d.id === r.documentId)) {
          w.deny('update', { entityType: 'Document', entityId: r.documentId, clientId: client.id, unitId: request.unitId }, 'redaction decision on a document not readable by the decider');
        }
        throw forbidden("A redaction decision on a document is made by someone who may read it: check the document's id, or ask the unit where the document was recorded.");
      }
      input.forEach((r, i) => {
        const document = found.find((d) => d.id === r.documentId);
        if (!document) throw badInput(`redactions.${i}.documentId`, "must be a document of the request's client");
        if (!isRestrictedType(document.type)) {
          throw badInput(`redactions.${i}.documentId`, 'only documents of a restricted type (STATEMENT, CHILD_WELFARE_NOTIFICATION) take a redaction decision: the others are always shown');
        }
      });
      const earlier = await store.redactions(request.id);
      const again = input.find((r) => earlier.some((e) => e.documentId === r.documentId));
      if (again) throw conflict(`A redaction decision on document ${again.documentId} was already recorded for this request: a decision is made once.`);
      await store.insertRedactions(
        input.map((r) => ({ requestId: request.id, documentId: r.documentId, withhold: r.withhold, reason: r.reason, decidedBy: w.actor.kind === 'USER' && isUuid(w.actor.id) ? w.actor.id : null })),
      );
      w.change(target, ['extractRedactions'], 'UPDATE', grant);
      return store.redactions(request.id);
    });
  }

  /**
   * The policy's decision on making the extract for the client (roles.ts clientRecordExtracts). A refusal is
   * logged as DENIED EXPORT and answers FORBIDDEN, or NOT_FOUND when the caller does not reach the client at all.
   */
  private authorize(client: ClientSubject, target: AuditTarget): PolicyGrant | undefined {
    const subject = asSubject('ClientRecordExtract', { organisationId: client.organisationId, clientId: client.id, via: client.via });
    const rule = this.ctx.ability.relevantRuleFor('create', subject as unknown as Record<PropertyKey, unknown>);
    if (!rule || rule.inverted) {
      this.ctx.audit.deny(target, null, 'EXPORT', 'client record extract not permitted');
      if (!client.visible) throw notFound('Client', client.id);
      throw forbidden("Not allowed to make a client record extract: it is made by the organisation's data protection officer (AUDITOR), or by the REGISTRAR for an archived client");
    }
    return this.ctx.grants.grant(grantKeyOfRule(rule));
  }

  /** The ACCESS request of this client the extract answers: received or granted, never refused. */
  private async answerable(store: ExtractStore, client: ClientSubject, requestId: string, field = 'requestId') {
    const request = isUuid(requestId) ? await store.request(requestId) : undefined;
    if (!request || request.clientId !== client.id) throw badInput(field, "must be a data-subject request of this client (an extract answers the client's own ACCESS request)");
    if (request.kind !== 'ACCESS') throw badInput(field, `must be an ACCESS request (tarkastuspyyntö); this one is ${request.kind}`);
    if (!ANSWERABLE.includes(request.status)) {
      throw conflict(`The request was ${request.status.toLowerCase()} on ${request.decidedOn ?? 'an earlier day'}: an extract answers a request that is received or granted, not one refused.`);
    }
    return request;
  }

  private logTarget(target: AuditTarget, grant: PolicyGrant | undefined): AuditTarget {
    return grant ? { ...target, role: grant.role } : target;
  }
}

/** Every relationship ended beyond the default window (the organisation-wide roles' archive, roles.ts). */
function archived(relationships: readonly ExtractRow[]): boolean {
  if (relationships.length === 0) return false;
  const cutoff = addMonths(today(), -ARCHIVE_WINDOW_MONTHS);
  return relationships.every(({ row }) => typeof row['endedOn'] === 'string' && row['endedOn'] < cutoff);
}
