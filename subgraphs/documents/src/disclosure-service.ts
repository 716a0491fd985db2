import { subject as asSubject } from '@casl/ability';
import {
  type AuditedWrite,
  type AuditTarget,
  audited,
  badInput,
  conflict,
  forbidden,
  isUuid,
  notFound,
  type PolicyGrant,
  type RequestContext,
  rowScope,
  sameRecipientName,
  SENSITIVE_FIELDS,
} from '@vartija/kit';
import { sql } from 'drizzle-orm';
import { DataSubjectRequestStore } from './data-subject-request-store';
import { disclosureFields, legalBasisOf, type RecordDisclosureInput } from './disclosure-input';
import { DocumentWriteStore } from './document-write-store';
import type { Loaders } from './loaders';

type Ctx = RequestContext<Loaders>;

/** What a DISCLOSE entry names of each document given: its case-record fields (never their values). */
const DISCLOSED_CATEGORY = 'CASE_RECORD';
const DISCLOSED_DOCUMENT_FIELDS = SENSITIVE_FIELDS.filter((f) => f.type === 'Document' && f.category === DISCLOSED_CATEGORY).map((f) => f.field);

/**
 * Disclosures (luovutukset, seeds 000, 001, 003, 004) as audited writes (kit/write-service.ts): the
 * policy decides whether the unit may disclose about the client (create Disclosure); the documents
 * given must be the client's and readable through that same grant; a consent must be the client's,
 * to that recipient and not withdrawn. The CREATE entry and one DISCLOSE entry per document commit
 * with the rows.
 */
export class DisclosureService {
  constructor(private readonly ctx: Ctx) {}

  recordDisclosure(input: RecordDisclosureInput): Promise<string> {
    return audited(this.ctx, async (w) => {
      const store = new DocumentWriteStore(w.tx);
      const client = await w.client(input.clientId);
      const target: AuditTarget = { entityType: 'Disclosure', entityId: null, clientId: client.id, unitId: input.unitId };
      const subject = { clientId: client.id, unitId: input.unitId, servingUnitIds: client.servingUnitIds, via: client.via };
      const grant = w.authorizeOn(client, 'create', 'Disclosure', subject, null, target);
      const documentIds = await this.documentsGiven(w, store, client.id, input, grant);
      if (input.consentId) await this.checkConsent(w, store, client.id, input, grant, target);
      // Issue 12 item 6: a disclosure not based directly on law (on consent) that the client's granted objection covers.
      if (input.consentId) await this.checkObjection(w, client.id, input, target);
      if (input.recipientOrganisationId && !(isUuid(input.recipientOrganisationId) && (await store.organisationExists(input.recipientOrganisationId)))) {
        throw notFound('Organisation', input.recipientOrganisationId);
      }
      const id = await store.insertDisclosure(
        {
          clientId: client.id,
          unitId: input.unitId,
          recipientOrganisationId: input.recipientOrganisationId,
          recipientName: input.recipientName,
          legalBasis: legalBasisOf(input),
          consentId: input.consentId,
          requestDescription: input.requestDescription,
          requestedOn: input.requestedOn,
          disclosedAt: new Date(),
          disclosedBy: w.actor.kind === 'USER' ? w.actor.id : null,
        },
        documentIds,
      );
      w.change({ ...target, entityId: id }, disclosureFields(input), 'CREATE', grant);
      for (const documentId of documentIds) {
        w.change({ entityType: 'Document', entityId: documentId, clientId: client.id, unitId: input.unitId }, DISCLOSED_DOCUMENT_FIELDS, 'DISCLOSE', grant);
      }
      return id;
    });
  }

  /**
   * The documents given, each the client's, recorded in the disclosing unit and readable through the
   * grant that allows the disclosure. Anything else answers NOT_FOUND for that document, like an
   * unknown id; an existing one is logged as DENIED with its client.
   */
  private async documentsGiven(w: AuditedWrite, store: DocumentWriteStore, clientId: string, input: RecordDisclosureInput, grant: PolicyGrant | undefined): Promise<string[]> {
    const valid = input.documentIds.filter(isUuid);
    const visible = await this.ctx.grants.attach('Document', await store.documentsByIds(valid, this.ctx.loaders.scope.document), w.tx);
    const byId = new Map(visible.map((d) => [d.id, d]));
    for (const id of input.documentIds) {
      const document = byId.get(id);
      const usable =
        document !== undefined &&
        document.clientId === clientId &&
        document.unitId === input.unitId &&
        (!grant || document.via.includes(grant.key)) &&
        // Read as through the disclosing grant alone: `via` binds every read rule to its grant.
        DISCLOSED_DOCUMENT_FIELDS.every((field) =>
          this.ctx.ability.can('read', asSubject('Document', { ...document, via: grant ? [grant.key] : document.via }) as never, field),
        );
      if (usable) continue;
      const existing = isUuid(id) ? (document ?? (await store.document(id, sql`TRUE`))) : undefined;
      // Logged with its client when that client is one of the caller's own register (as correctDocument does).
      if (existing && (existing.clientId === clientId || (await w.client(existing.clientId).catch(() => null)))) {
        w.deny('create', { entityType: 'Document', entityId: id, clientId: existing.clientId }, 'document not readable through the disclosing unit');
      }
      throw notFound('Document', id);
    }
    return input.documentIds;
  }

  /**
   * Kielto-oikeus (seeds 001, 003; issue 12 item 6): the client may object to disclosures not based directly
   * on law. A GRANTED objection (data-subject request of kind OBJECTION) covering this recipient — by
   * organisation, by name (normalised; the organisation's registered name counts as its name either way,
   * see objectionCovers in data-subject-request-store.ts), or all such disclosures — refuses a disclosure on consent: CONFLICT, logged DENIED.
   * A consent, whenever given, does not override the objection: the objection is the client's later, specific
   * word on disclosures on consent, and lifting it is a decision of its own, not a side effect of a consent
   * form. Disclosures on a legal basis are never covered (seed 003: they cannot be objected to).
   */
  private async checkObjection(w: AuditedWrite, clientId: string, input: RecordDisclosureInput, target: AuditTarget): Promise<void> {
    const objection = await new DataSubjectRequestStore(w.tx).objectionCovering(clientId, input.recipientOrganisationId, input.recipientName);
    if (!objection) return;
    w.deny('create', target, `disclosure on consent covered by the client's objection (data-subject request ${objection.id})`);
    throw conflict(
      `The client has objected to disclosures not based directly on law to this recipient (data-subject request ${objection.id}, decided ${objection.decidedOn}): nothing may be disclosed on consent. A disclosure on a legal basis (legalAct + legalSection) is not affected.`,
      { reason: 'objection', dataSubjectRequestId: objection.id },
    );
  }

  /** The client's consent, visible through the disclosing grant, to this recipient, not withdrawn. */
  private async checkConsent(w: AuditedWrite, store: DocumentWriteStore, clientId: string, input: RecordDisclosureInput, grant: PolicyGrant | undefined, target: AuditTarget): Promise<void> {
    const id = input.consentId!;
    const found = isUuid(id) ? await store.consent(id, rowScope(this.ctx.ability, 'Consent')) : undefined;
    const [consent] = found ? await this.ctx.grants.attach('Consent', [found], w.tx) : [];
    if (!consent || consent.clientId !== clientId || (grant && !consent.via.includes(grant.key))) {
      if (consent) w.deny('create', { ...target, entityType: 'Consent', entityId: id, clientId: consent.clientId }, 'consent not visible through the disclosing unit');
      throw notFound('Consent', id);
    }
    const sameRecipient = consent.recipientOrganisationId
      ? consent.recipientOrganisationId === input.recipientOrganisationId
      : sameRecipientName(consent.recipientName, input.recipientName);
    if (!sameRecipient) {
      throw badInput(
        'input.consentId',
        consent.recipientOrganisationId
          ? 'the consent was given to another recipient organisation: give its recipientOrganisationId, or another basis'
          : 'the consent was given to another recipient: the recipientName must be the one the consent names',
      );
    }
    if (consent.withdrawnOn) {
      w.deny('create', target, `disclosure on a consent withdrawn on ${consent.withdrawnOn}`);
      throw conflict(`The consent was withdrawn on ${consent.withdrawnOn}: nothing may be disclosed on it. Record a new consent or a legal basis.`, {
        reason: `consent withdrawn on ${consent.withdrawnOn}`,
      });
    }
    // What is consented to bounds what may be given: documents are case records.
    if (!consent.scope.includes(DISCLOSED_CATEGORY)) {
      w.deny('create', target, `consent does not cover ${DISCLOSED_CATEGORY}`);
      throw forbidden(`The consent covers ${consent.scope.join(', ') || 'no data'}, not case records (${DISCLOSED_CATEGORY}): record a consent that covers them, or a legal basis.`);
    }
  }
}
