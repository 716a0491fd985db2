import { subject as asSubject } from '@casl/ability';
import {
  audited,
  type AuditTarget,
  conflict,
  finnishDateOf,
  forbidden,
  grantKeyOfRule,
  isUniqueViolation,
  isUuid,
  notFound,
  type PolicyGrant,
  type RequestContext,
  type Subject,
} from '@vartija/kit';
import { randomBytes } from 'node:crypto';
import type { Loaders } from '../loaders';
import type { ResearchField, ResearchPermitInput, ServiceTask } from './research-input';
import { categoryOf, LOGGED_AS, pseudonymOf, researchColumns, researchValue, withheld } from './research-extract';
import { type ResearchPermitRow, ResearchStore } from './research-store';

type Ctx = RequestContext<Loaders>;

export interface ResearchPermitModel {
  id: string;
  permitNumber: string;
  researcher: string;
  researchOrganisation: string;
  purpose: string;
  fields: ResearchField[];
  serviceTasks: ServiceTask[];
  periodFrom: string;
  periodTo: string;
  expiresOn: string;
  recordedAt: Date;
}

export interface ResearchExtractModel {
  permit: ResearchPermitModel;
  columns: string[];
  rows: string[][];
}

/** What the CREATE entry of a permit names (never values; never the pseudonym key). */
const PERMIT_FIELDS = ['permitNumber', 'researcher', 'researchOrganisation', 'purpose', 'fields', 'serviceTasks', 'periodFrom', 'periodTo', 'expiresOn'];

/** The answer never carries the pseudonym key: it would link the permit's pseudonyms back to client ids. */
const toModel = (row: ResearchPermitRow): ResearchPermitModel => ({
  id: row.id,
  permitNumber: row.permitNumber,
  researcher: row.researcher,
  researchOrganisation: row.researchOrganisation,
  purpose: row.purpose,
  fields: row.fields as ResearchField[],
  serviceTasks: row.serviceTasks as ServiceTask[],
  periodFrom: row.periodFrom,
  periodTo: row.periodTo,
  expiresOn: row.expiresOn,
  recordedAt: row.recordedAt,
});

/**
 * Research permits and the pseudonymised extract under one (seed 001: tutkimuslupa; issue 13 item 5). The
 * policy (lifecycle-rules.ts) decides on `{ organisationId }`: the REGISTRAR records permits and makes extracts,
 * the AUDITOR reads permits.
 */
export class ResearchService {
  constructor(private readonly ctx: Ctx) {}

  /** Records a permit with a fresh pseudonym key (32 random bytes, never answered or logged). Logged as CREATE. */
  record(input: ResearchPermitInput): Promise<ResearchPermitModel> {
    return audited(this.ctx, async (w) => {
      const store = new ResearchStore(w.tx);
      const organisationId = w.actor.organisationId;
      const target: AuditTarget = { entityType: 'ResearchPermit', entityId: null, clientId: null };
      const grant = w.authorize('create', 'ResearchPermit', { organisationId }, null, target);
      const duplicate = () => conflict(`Research permit ${input.permitNumber} is already recorded: a permit number is recorded once.`, { field: 'input.permitNumber' });
      if (await store.byNumber(organisationId, input.permitNumber)) throw duplicate();
      const row = await store
        .insert({
          organisationId,
          ...input,
          pseudonymKey: randomBytes(32).toString('hex'),
          recordedBy: w.actor.kind === 'USER' && isUuid(w.actor.id) ? w.actor.id : null,
          recordedAt: this.ctx.now(),
        })
        .catch((error: unknown) => {
          throw isUniqueViolation(error) ? duplicate() : error;
        });
      w.change({ ...target, entityId: row.id }, PERMIT_FIELDS, 'CREATE', grant);
      return toModel(row);
    });
  }

  /** The organisation's permits (REGISTRAR, AUDITOR); a refusal is logged as DENIED. */
  async permits(): Promise<ResearchPermitModel[]> {
    const organisationId = this.ctx.actor.organisationId;
    const target: AuditTarget = { entityType: 'ResearchPermit', entityId: null, clientId: null };
    const grant = this.decide('read', 'ResearchPermit', { organisationId }, target, 'READ', 'research permits are read by the REGISTRAR and the data protection officer (AUDITOR)');
    const rows = await new ResearchStore(this.ctx.db).permits(organisationId);
    for (const row of rows) this.ctx.audit.record(this.logTarget({ ...target, entityId: row.id }, grant), null);
    return rows.map(toModel);
  }

  /**
   * The pseudonymised extract under the permit: one row per client of the organisation with a relationship in
   * one of its service tasks overlapping its period; the pseudonym, then exactly the permit's fields in its
   * order; never a name, identity code, address or id; months, never days; no municipality of a client with
   * address non-disclosure. Only before the permit expires. Each client included is logged as EXPORT naming
   * the permit and the fields given, in the transaction, before the answer leaves (as clientRecordExtract).
   *
   * The policy decides first, on the actor's own organisation: whoever may not make extracts is refused the
   * same way for every id, so the answer never tells whether a permit exists. Only then is the permit looked
   * up; an unknown id and another organisation's permit answer NOT_FOUND alike. Every refusal is logged DENIED.
   */
  extract(permitId: string): Promise<ResearchExtractModel> {
    return audited(this.ctx, async (w) => {
      const store = new ResearchStore(w.tx);
      const asked: AuditTarget = { entityType: 'ResearchExtract', entityId: null, clientId: null };
      const grant = this.decide('create', 'ResearchExtract', { organisationId: w.actor.organisationId }, asked, 'EXPORT', 'a research extract is made by the REGISTRAR');
      const permit = isUuid(permitId) ? await store.permit(w.actor.organisationId, permitId) : undefined;
      if (!permit) {
        // Not the id: another organisation's permit id would tell this organisation's auditors it exists.
        this.ctx.audit.deny(this.logTarget(asked, grant), null, 'EXPORT', 'no such research permit in the organisation');
        throw notFound('ResearchPermit', permitId);
      }
      const target: AuditTarget = { ...asked, entityId: permit.id };
      const today = finnishDateOf(this.ctx.now());
      if (permit.expiresOn < today) {
        this.ctx.audit.deny(this.logTarget(target, grant), null, 'EXPORT', `research permit ${permit.permitNumber} expired on ${permit.expiresOn}`);
        throw forbidden(`Research permit ${permit.permitNumber} expired on ${permit.expiresOn}: no data is given under it. Record the renewed permit to continue.`);
      }
      const fields = permit.fields as ResearchField[];
      const population = await store.population(permit);
      const rows = population
        .map((r) => ({ row: r, cells: [pseudonymOf(permit.pseudonymKey, r.clientId), ...fields.map((f) => researchValue(f, r))] }))
        .sort((a, b) => (a.cells[0]! < b.cells[0]! ? -1 : a.cells[0]! > b.cells[0]! ? 1 : 0));

      const reason = `research extract under research permit ${permit.permitNumber} (pseudonymised)`;
      this.ctx.audit.record(this.logTarget(target, grant), null, 'EXPORT', 'ALLOWED', `${reason}: ${rows.length} clients`);
      for (const { row } of rows) {
        const client = this.logTarget({ entityType: 'Client', entityId: row.clientId, clientId: row.clientId, unitId: null }, grant);
        this.ctx.audit.record(client, null, 'EXPORT', 'ALLOWED', reason);
        // The fields given to this client's row: a withheld one (empty cell) was not disclosed.
        const given = new Map(fields.filter((f) => !withheld(f, row)).map((f) => [LOGGED_AS[f], categoryOf(f)]));
        for (const [field, category] of given) this.ctx.audit.record(client, { field, category }, 'EXPORT', 'ALLOWED', reason);
      }
      return { permit: toModel(permit), columns: researchColumns(fields), rows: rows.map((r) => r.cells) };
    });
  }

  /** The policy's decision on `{ organisationId }`; a refusal is logged as DENIED (`action`) and answers FORBIDDEN. */
  private decide(action: 'read' | 'create', type: Subject, row: { organisationId: string }, target: AuditTarget, logged: 'READ' | 'EXPORT', who: string): PolicyGrant | undefined {
    const rule = this.ctx.ability.relevantRuleFor(action, asSubject(type, { ...row }) as unknown as Record<PropertyKey, unknown>);
    if (!rule || rule.inverted) {
      this.ctx.audit.deny(target, null, logged, `${action} of ${type} not permitted`);
      throw forbidden(`Not allowed: ${who}.`);
    }
    return this.ctx.grants.grant(grantKeyOfRule(rule));
  }

  private logTarget(target: AuditTarget, grant: PolicyGrant | undefined): AuditTarget {
    return grant ? { ...target, unitId: grant.unitId ?? target.unitId ?? null, role: grant.role } : target;
  }
}

