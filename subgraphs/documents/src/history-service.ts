import { subject as asSubject } from '@casl/ability';
import {
  auditTargetOf,
  badInput,
  grantKeyOfRule,
  isUuid,
  notFound,
  type PolicyGrant,
  recordRefusedTarget,
  registerOrganisationOf,
  type RequestContext,
  rowScope,
  SENSITIVE_FIELDS,
  type Subject,
  tableOf,
  type WithVia,
} from '@vartija/kit';
import type { PgTable } from 'drizzle-orm/pg-core';
import { HistoryStore } from './history-store';
import type { Loaders } from './loaders';
import type { FieldChangeModel, RevisionModel } from './models';

type Ctx = RequestContext<Loaders>;
type Row = WithVia<Record<string, unknown> & { id: string }>;

/**
 * The record types `history` answers for (closed: anything else is BAD_USER_INPUT naming these).
 * Documents keep their own full revisions (documents.document_revisions); every other type's
 * corrections are in history.revisions, written by the kit's `w.revise`.
 */
export const HISTORY_ENTITY_TYPES = [
  'Client',
  'Guardian',
  'ClientRelationship',
  'Consent',
  'Commission',
  'Decision',
  'Placement',
  'CareDay',
  'PaymentCommitment',
  'Invoice',
  'Restriction',
  'AssistanceRequest',
  'Medication',
  'Document',
  'Disclosure',
  'DataSubjectRequest',
  'User',
  'Grant',
  'Unit',
] as const satisfies readonly Subject[];
export type HistoryEntityType = (typeof HISTORY_ENTITY_TYPES)[number];

/**
 * Stored fields that the API shows under another name: the field whose read rule governs them.
 * A stored field of a client-data type that is neither in the field catalog nor here is hidden
 * (fail closed): a value nobody classified is never shown.
 */
const GOVERNED_BY: Partial<Record<HistoryEntityType, Record<string, string>>> = {
  Client: { streetAddress: 'address', postalCode: 'address', postOffice: 'address' },
  Guardian: { streetAddress: 'address', postalCode: 'address', postOffice: 'address' },
  ClientRelationship: { responsibleWorkerId: 'responsibleWorkerName', unitId: 'unit' },
  Commission: { partnerOrganisationId: 'partner', commissionerUnitId: 'commissionerUnit' },
  Placement: { providerOrganisationId: 'provider' },
  PaymentCommitment: { providerOrganisationId: 'provider' },
  Disclosure: { recipientOrganisationId: 'recipientOrganisation', disclosedBy: 'disclosedByName' },
  // Issue 12: the request workflow's stored columns (data-subject-request-service.ts).
  DataSubjectRequest: {
    extendedBy: 'extensionReason',
    decidedBy: 'decidedByName',
    correctedEntityType: 'correction',
    correctedEntityId: 'correction',
    correctedRevision: 'correction',
  },
  Document: {},
};

const isHistoryEntityType = (name: string): name is HistoryEntityType => (HISTORY_ENTITY_TYPES as readonly string[]).includes(name);

/** A change's earlier value as JSON text. */
const asJson = (value: unknown): string | null => (value === undefined || value === null ? null : JSON.stringify(value));

/**
 * `history(entityType, id)` (DESIGN.md §6, issue 11 item 5): the earlier values of a record under the
 * same rules as its current values. The record is loaded through the actor's row scope (invisible and
 * unknown answer alike: NOT_FOUND, a refused look-up of the caller's own client logged as DENIED);
 * each changed field is shown only if the actor may read that field of the record, otherwise listed as
 * `hidden`; every value shown is logged as a READ of the record with its category.
 */
export class HistoryService {
  private readonly store: HistoryStore;

  constructor(private readonly ctx: Ctx) {
    this.store = new HistoryStore(ctx.db, ctx.actor.kind === 'PARTNER' ? ctx.actor.organisationId : null);
  }

  async history(entityType: string, id: string): Promise<RevisionModel[]> {
    if (!isHistoryEntityType(entityType)) {
      throw badInput('entityType', `must be one of ${HISTORY_ENTITY_TYPES.join(', ')}`);
    }
    const row = isUuid(id) ? await this.visibleRecord(entityType, id) : undefined;
    if (!row) throw notFound(entityType, id);
    const revisions = entityType === 'Document' ? await this.documentRevisions(row) : await this.recordRevisions(entityType, row);
    const anyShown = revisions.some((r) => r.changes.some((c) => !c.hidden));
    if (!anyShown) {
      // That the record changed is a use of it too: the look is logged even when no value is shown.
      this.ctx.audit.record(auditTargetOf(entityType, row, this.ctx.grants.grant(row.via[0] ?? null)), null);
    }
    return revisions;
  }

  /** The record through the row scope, with the grants it is visible through; undefined when unknown or invisible. */
  private async visibleRecord(entityType: HistoryEntityType, id: string): Promise<Row | undefined> {
    let table: PgTable;
    try {
      table = tableOf(entityType);
    } catch {
      return undefined; // no row rules for this type yet: nobody reaches its records (fail closed)
    }
    const found = await this.store.record(entityType, table, id, rowScope(this.ctx.ability, entityType));
    if (found) return (await this.ctx.grants.attach(entityType, [found]))[0];
    // A refused look-up of a record, logged as for `client(id)`: naming its client when in the caller's register.
    const clientId = await this.store.clientOfRecord(entityType, table, id, registerOrganisationOf(this.ctx.actor));
    recordRefusedTarget(this.ctx.audit, this.ctx.actor, { entityType, entityId: id }, clientId ?? null, null, 'READ', 'history of a record not visible to the actor');
    return undefined;
  }

  private async recordRevisions(entityType: HistoryEntityType, current: Row): Promise<RevisionModel[]> {
    const rows = await this.store.revisionsOf(entityType, current.id);
    const row = await this.asOnceProtected(entityType, current);
    return rows.map((r) => {
      const previous = (r.previous ?? {}) as Record<string, unknown>;
      const changes = r.fields.map((field) => this.change(entityType, row, field, previous[field]));
      return {
        revision: r.revision,
        entityType,
        entityId: row.id,
        changedAt: r.changedAt,
        changedBy: r.changedBy,
        changedByKind: r.changedByKind,
        changedByName: r.changedByName,
        // A reason may repeat the value it explains: shown only when every value of the change is.
        reason: changes.some((c) => c.hidden) ? null : r.reason,
        changes,
      };
    });
  }

  /**
   * Earlier contact data of a client who has ever been under non-disclosure (turvakielto) stays under its
   * rule after the protection is lifted: the address a person was hidden at is still where they were hidden.
   */
  private async asOnceProtected(entityType: HistoryEntityType, row: Row): Promise<Row> {
    if (entityType === 'Client' && !row.addressNonDisclosure && (await this.store.everNonDisclosure(row.id))) {
      return { ...row, addressNonDisclosure: true };
    }
    if (entityType === 'Guardian' && !row.clientAddressNonDisclosure && (await this.store.everNonDisclosure(String(row.clientId)))) {
      return { ...row, clientAddressNonDisclosure: true };
    }
    return row;
  }

  /** A document keeps every version: change n replaced version n with version n + 1 (its author, its reason). */
  private async documentRevisions(row: Row): Promise<RevisionModel[]> {
    const versions = await this.ctx.loaders.revisions.load(row.id);
    const out: RevisionModel[] = [];
    for (let n = 1; n < versions.length; n += 1) {
      const before = versions[n - 1]!;
      const after = versions[n]!;
      const fields = (['title', 'body'] as const).filter((f) => before[f] !== after[f]);
      const changes = fields.map((field) => this.change('Document', row, field, before[field]));
      out.push({
        revision: n,
        entityType: 'Document',
        entityId: row.id,
        changedAt: after.createdAt,
        changedBy: after.authorId,
        changedByKind: after.authorId ? 'USER' : 'PARTNER',
        changedByName: after.authorName,
        reason: changes.some((c) => c.hidden) ? null : after.reason,
        changes,
      });
    }
    return out;
  }

  /** One field's earlier value, if the actor may read that field of the record now; logged when shown. */
  private change(entityType: HistoryEntityType, row: Row, field: string, previous: unknown): FieldChangeModel {
    const hidden = { field, previousValue: null, hidden: true };
    const governing = GOVERNED_BY[entityType]?.[field] ?? field;
    const known = SENSITIVE_FIELDS.find((f) => f.type === entityType && f.field === governing);
    if (!known) {
      // Administrative records (users, grants, units) carry no client data: a visible one is readable.
      const clientData = SENSITIVE_FIELDS.some((f) => f.type === entityType);
      return clientData ? hidden : { field, previousValue: asJson(previous), hidden: false };
    }
    const rule = this.ctx.ability.relevantRuleFor('read', asSubject(entityType, { ...row }) as unknown as Record<PropertyKey, unknown>, governing);
    if (!rule || rule.inverted) return hidden;
    const grant: PolicyGrant | undefined = this.ctx.grants.grant(grantKeyOfRule(rule));
    this.ctx.audit.record(auditTargetOf(entityType, row, grant), { field: governing, category: known.category });
    return { field, previousValue: asJson(previous), hidden: false };
  }
}
