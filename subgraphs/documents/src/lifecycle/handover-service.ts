import { subject as asSubject } from '@casl/ability';
import { commissions, handovers } from '@vartija/db';
import {
  type AuditAction,
  audited,
  type AuditedWrite,
  type AuditTarget,
  type ClientSubject,
  conflict,
  finnishDateOf,
  grantKeyOfRule,
  isUniqueViolation,
  isUuid,
  notFound,
  type PolicyGrant,
  type RequestContext,
  rowScope,
  SENSITIVE_FIELDS,
} from '@vartija/kit';
import type { Loaders } from '../loaders';
import { CONTENT_COLUMNS, type ManifestItem, manifestOf } from './handover-manifest';
import { type CommissionRow, type HandoverRow, HandoverStore } from './handover-store';

type Ctx = RequestContext<Loaders>;

/**
 * Seed 000 (15 §, 9 §): the provider keeps the child's records only while the service lasts; when it ends, all
 * the child's records are delivered to the welfare region that commissioned the service, the authority on
 * whose commission they arose. The client-records act of seed 000 is 703/2023 (which replaced 254/2015).
 */
export const HANDOVER_LEGAL_BASIS =
  'Laki sosiaali- ja terveydenhuollon asiakastietojen käsittelystä (703/2023); lastensuojelulaki (417/2007); toimeksiantosopimus: ' +
  'palvelun päätyttyä lasta koskevat asiakasasiakirjat toimitetaan toimeksiannon antaneelle hyvinvointialueelle';

/** What the CREATE and UPDATE entries of a handover name (never values). */
const CREATED_FIELDS = ['commissionId', 'clientId', 'recipientUnitId', 'legalBasis', 'items', 'status'];
const CONFIRMED_FIELDS = ['status', 'confirmedAt', 'confirmedBy'];

export interface HandoverModel {
  id: string;
  commissionId: string;
  clientId: string;
  partnerOrganisationId: string;
  recipientOrganisationId: string;
  recipientUnitId: string;
  status: HandoverRow['status'];
  legalBasis: string;
  packagedAt: Date;
  confirmedAt: Date | null;
  confirmedBy: string | null;
  items: ManifestItem[];
}

/** The policy's Handover subject (lifecycle-rules.ts). */
interface HandoverSubject {
  organisationId: string;
  commissionerUnitId: string;
  partnerOrganisationId: string;
  commissionActive: boolean;
  commissionScopes: readonly string[];
  via: readonly string[];
}

/** `manifest`: whether the policy lets the actor read `items` (lifecycle-rules.ts: not the packaging partner). */
const toModel = (row: HandoverRow, manifest: boolean): HandoverModel => ({
  id: row.id,
  commissionId: row.commissionId,
  clientId: row.clientId,
  partnerOrganisationId: row.partnerOrganisationId,
  recipientOrganisationId: row.recipientOrganisationId,
  recipientUnitId: row.recipientUnitId,
  status: row.status,
  legalBasis: row.legalBasis,
  packagedAt: row.packagedAt,
  confirmedAt: row.confirmedAt,
  confirmedBy: row.confirmedBy,
  items: manifest ? (row.manifest as ManifestItem[]) : [],
});

/**
 * Handover at the end of a commission (issue 13 item 3) as audited writes (kit write-service.ts). One policy
 * decision per operation on the Handover subject (lifecycle-rules.ts): `{ organisationId (the commissioning
 * region), commissionerUnitId, partnerOrganisationId, commissionActive, commissionScopes, via }`.
 */
export class HandoverService {
  constructor(private readonly ctx: Ctx) {}

  /**
   * Packages the partner's records of the client under the commission for the commissioning region: a
   * manifest (type, id, kind, when, SHA-256 of the content) stored as PACKAGED, one DISCLOSE entry per
   * record delivered naming the region and the legal basis, and the CREATE entry of the handover.
   */
  handOver(commissionId: string): Promise<HandoverModel> {
    return this.run(async (w) => {
      const store = new HandoverStore(w.tx);
      const hidden = () => notFound('Commission', commissionId);
      const { commission, client, grant, subject } = await this.decide(w, store, commissionId, 'create', hidden, null);
      const earlier = await store.handoverOfCommission(commission.id);
      if (earlier) throw conflict(`The records of this commission were already handed over (handover ${earlier.id}, ${earlier.status.toLowerCase()}): a commission is handed over once.`);
      const manifest = manifestOf(await store.packageOf(commission.id, commission.partnerOrganisationId));
      const row = await store.insert({
        commissionId: commission.id,
        clientId: client.id,
        partnerOrganisationId: commission.partnerOrganisationId,
        recipientOrganisationId: client.organisationId,
        recipientUnitId: commission.commissionerUnitId,
        status: 'PACKAGED',
        legalBasis: HANDOVER_LEGAL_BASIS,
        manifest,
        packagedAt: this.ctx.now(),
        packagedBy: w.actor.id,
        packagedByKind: w.actor.kind,
      });
      w.change({ entityType: 'Handover', entityId: row.id, clientId: client.id, unitId: commission.commissionerUnitId }, CREATED_FIELDS, 'CREATE', grant);
      const recipient = await store.recipient(client.organisationId, commission.commissionerUnitId);
      const reason = `delivered to ${recipient.organisationName} (${recipient.unitName}), the commissioning welfare region, at the end of commission ${commission.id} (handover ${row.id}); legal basis: ${HANDOVER_LEGAL_BASIS}`;
      // Last, after everything that can refuse: a refused or failed handover delivers nothing.
      for (const item of manifest) this.log(item, client.id, grant, 'DISCLOSE', reason, true);
      return toModel(row, this.mayReadManifest(subject));
    });
  }

  /**
   * The commissioning unit confirms receipt: PACKAGED → CONFIRMED, and the provider's side is removed. The
   * records themselves stay where they are — in the region's register, recorded in its unit — and the region's
   * staff keep reading them; what ends is the partner's reach: the commission ends today (through the revision
   * helper, so its history keeps the earlier end), and every partner rule requires an active commission.
   */
  confirm(id: string): Promise<HandoverModel> {
    return this.run(async (w) => {
      const store = new HandoverStore(w.tx);
      const hidden = () => notFound('Handover', id);
      const handover = (await w.lock(handovers, id)) as HandoverRow | undefined;
      if (!handover) throw hidden();
      const { commission, client, grant, subject } = await this.decide(w, store, handover.commissionId, 'update', hidden, handover.id);
      if (handover.status === 'CONFIRMED') {
        throw conflict(`The handover was already confirmed on ${handover.confirmedAt ? finnishDateOf(handover.confirmedAt) : 'an earlier day'}: receipt is confirmed once.`);
      }
      const row = await store.confirm(handover.id, w.actor.kind === 'USER' ? w.actor.id : null, this.ctx.now());
      await this.endCommission(w, commission, client, grant, handover.id);
      w.change({ entityType: 'Handover', entityId: handover.id, clientId: client.id, unitId: handover.recipientUnitId }, CONFIRMED_FIELDS, 'UPDATE', grant);
      const recipient = await store.recipient(handover.recipientOrganisationId, handover.recipientUnitId);
      const reason = `handed over to ${recipient.organisationName}: removed from the provider's side (handover ${handover.id}, commission ${commission.id} ended)`;
      for (const item of row.manifest as ManifestItem[]) this.log(item, client.id, grant, 'DELETE', reason, false);
      // The commission has just ended: the manifest is read as it was decided, by the confirming unit.
      return toModel(row, this.mayReadManifest(subject));
    });
  }

  /**
   * A handover for the packaging partner while its commission is active, or the receiving unit's staff (policy
   * `read` Handover, decided on whether the commission is active today); null otherwise.
   */
  async read(id: string): Promise<HandoverModel | null> {
    if (!isUuid(id)) return null;
    const store = new HandoverStore(this.ctx.db);
    const row = await store.handover(id);
    if (!row) return null;
    const commission = await store.commission(row.commissionId, this.today(), rowScope(this.ctx.ability, 'Commission'));
    const seen = await this.ctx.loaders.visibleClient.load(row.clientId);
    const subject: HandoverSubject = {
      organisationId: row.recipientOrganisationId,
      commissionerUnitId: row.recipientUnitId,
      partnerOrganisationId: row.partnerOrganisationId,
      commissionActive: commission?.active ?? false,
      commissionScopes: commission?.row.partnerScopes ?? [],
      via: seen?.via ?? [],
    };
    const rule = this.ctx.ability.relevantRuleFor('read', asSubject('Handover', subject) as unknown as Record<PropertyKey, unknown>);
    if (!rule || rule.inverted) return null;
    const grant = this.ctx.grants.grant(grantKeyOfRule(rule));
    this.ctx.audit.record({ entityType: 'Handover', entityId: row.id, clientId: row.clientId, unitId: grant?.unitId ?? row.recipientUnitId, ...(grant ? { role: grant.role } : {}) }, null);
    return toModel(row, this.mayReadManifest(subject));
  }

  /**
   * The policy decision on the commission's handover. The commission is locked for the transaction (two
   * handovers of it never interleave). A refusal is logged as DENIED; it answers NOT_FOUND (`hidden`) when the
   * actor reaches neither the client nor the commission (an unknown id answers the same), FORBIDDEN otherwise.
   */
  private async decide(w: AuditedWrite, store: HandoverStore, commissionId: string, action: 'create' | 'update', hidden: () => Error, handoverId: string | null) {
    const locked = (await w.lock(commissions, commissionId)) as CommissionRow | undefined;
    if (!locked) throw hidden();
    const client = await w.client(locked.clientId, hidden);
    const { row: commission, active, visible } = await store.withFlags(locked, this.today(), rowScope(this.ctx.ability, 'Commission'));
    const subject: HandoverSubject = {
      organisationId: client.organisationId,
      commissionerUnitId: commission.commissionerUnitId,
      partnerOrganisationId: commission.partnerOrganisationId,
      commissionActive: active,
      commissionScopes: commission.partnerScopes,
      via: client.via,
    };
    const target: AuditTarget = { entityType: 'Handover', entityId: handoverId, clientId: client.id, unitId: commission.commissionerUnitId };
    const grant = w.authorizeOn({ ...client, visible: client.visible && visible }, action, 'Handover', subject, null, target, hidden);
    return { commission, client, grant, subject };
  }

  /** The manifest is a field of its own in the policy: the receiving unit's staff read it, the partner does not. */
  private mayReadManifest(subject: HandoverSubject): boolean {
    return this.ctx.ability.can('read', asSubject('Handover', subject) as unknown as Record<PropertyKey, unknown>, 'items');
  }

  /**
   * Ends the commission today unless it has already ended. The day is the earlier of the Finnish day and the
   * policy clock's (a UTC day, kit subgraph-server.ts): a commission is active while `today < endsOn`, so
   * between 00:00 and 02:00/03:00 Finnish time a Finnish-day end would leave the partner its access until
   * midnight UTC. Never before the start (the period check), which for a commission not yet begun makes it
   * one that is never active.
   */
  private async endCommission(w: AuditedWrite, commission: CommissionRow, client: ClientSubject, grant: PolicyGrant | undefined, handoverId: string): Promise<void> {
    const now = this.ctx.now();
    const finnish = finnishDateOf(now);
    const policyDay = now.toISOString().slice(0, 10);
    const today = policyDay < finnish ? policyDay : finnish;
    if (commission.endsOn !== null && commission.endsOn <= today) return;
    const endsOn = commission.startsOn > today ? commission.startsOn : today;
    await w.revise(
      { entityType: 'Commission', entityId: commission.id, clientId: client.id, unitId: commission.commissionerUnitId },
      commissions,
      commission,
      { endsOn },
      { fields: ['endsOn'], reason: `records handed over to the commissioning region (handover ${handoverId}): the provider's access ends`, grant },
    );
  }

  /** One entry per delivered record, under the grant that allowed the handover; DISCLOSE names the fields given. */
  private log(item: ManifestItem, clientId: string, grant: PolicyGrant | undefined, action: AuditAction, reason: string, withFields: boolean): void {
    const target: AuditTarget = { entityType: item.entityType, entityId: item.entityId, clientId, unitId: grant?.unitId ?? item.unitId, ...(grant ? { role: grant.role } : {}) };
    this.ctx.audit.record(target, null, action, 'ALLOWED', reason);
    if (!withFields) return;
    for (const f of SENSITIVE_FIELDS) {
      if (f.type === item.entityType && CONTENT_COLUMNS[item.entityType].includes(f.field)) this.ctx.audit.record(target, { field: f.field, category: f.category }, action, 'ALLOWED', reason);
    }
  }

  private today(): string {
    return finnishDateOf(this.ctx.now());
  }

  private async run<T>(work: (w: AuditedWrite) => Promise<T>): Promise<T> {
    try {
      return await audited(this.ctx, work);
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict('The records of this commission were handed over by someone else at the same time: a commission is handed over once.');
      throw error;
    }
  }
}

