import { SENSITIVE_FIELDS, type SensitiveCategory, type SensitiveField } from '@vartija/kit';
import type { Outcome, Step } from './evaluate';
import type { Reach } from './query';

/**
 * Policy v2 (DESIGN §4, "every channel, every grant") as the matrix reads it: the §4 tables hold per grant.
 * An object is visible *through* some of the persona's grants; a field of it is expected readable iff one
 * of those grants allows it by the table. Nothing here comes from the policy module.
 */

export type Role = 'SOCIAL_WORKER' | 'MANAGER' | 'STUDENT' | 'BILLING' | 'AUDITOR' | 'REGISTRAR';
export type DocumentType = 'CASE_NOTE' | 'CLIENT_PLAN' | 'NEEDS_ASSESSMENT' | 'MEETING_MEMO' | 'STATEMENT' | 'REPORT' | 'CHILD_WELFARE_NOTIFICATION';

/** One grant of a persona: role × unit (null = organisation-wide). */
export interface GrantCase {
  role: Role;
  unitId: string | null;
  /** The unit's code, or 'organisation'. */
  unit: string;
}

export interface PersonaCase<Login extends string = string, ClientKey extends string = string> {
  login: Login;
  userId: string;
  organisationId: string;
  grants: readonly GrantCase[];
  visible: readonly ClientKey[];
  invisible: readonly ClientKey[];
}

export interface ClientFacts {
  key: string;
  id: string;
  organisationId: string;
  nonDisclosure: boolean;
  /** Every relationship of the client (open and ended). */
  relationships: readonly { id: string; unitId: string; endedOn: string | null; workerId: string | null }[];
  /** The stored contact values, to search a response for them wherever they might surface. */
  contact: Partial<Record<'address' | 'phone' | 'email', string>>;
}

/** A record kept in a unit (documents, decisions, …, relationships, commissions), reached from Client by a list field. */
export interface RecordedRow {
  typename: string;
  id: string;
  clientId: string;
  unitId: string;
  documentType?: string;
  /** Relationships only: the unit's staff see it while open or ended within the unit's window. */
  endedOn?: string | null;
}

export interface CellContext {
  field: SensitiveField;
  persona: PersonaCase;
  client: ClientFacts;
  /** The grant whose rule is asked. */
  grant: GrantCase;
}

/** 'yes' | 'no' | only these `Type.field`s (`Type.*` = every field of the type in that category) | a row condition. */
export type Rule = 'yes' | 'no' | { only: readonly string[] } | { when: (cell: CellContext) => boolean; because: string };
export type PolicyTable = Readonly<Record<Role, Readonly<Record<SensitiveCategory, Rule>>>>;

/**
 * Row rules per role: which clients a grant reaches ('units': a relationship with the grant's unit, open or
 * ended within the window; 'organisation': the organisation's clients that are not archived; 'archive': the
 * organisation's archived clients), and which of their records ('units': recorded in the grant's unit;
 * 'organisation': any; 'none'), restricted document types hidden where the role says.
 */
export type RowsTable = Readonly<
  Record<Role, { clients: 'units' | 'organisation' | 'archive'; records: 'units' | 'organisation' | 'none'; hiddenDocumentTypes: readonly DocumentType[] }>
>;

const CATALOGUE = new Map(SENSITIVE_FIELDS.map((f) => [`${f.type}.${f.field}`, f]));
export const sensitiveField = (type: string, field: string): SensitiveField | undefined => CATALOGUE.get(`${type}.${field}`);

export const grantLabel = (g: GrantCase): string => `${g.role}/${g.unit}`;

export class GrantExpectations {
  constructor(
    private readonly t: {
      policy: PolicyTable;
      rows: RowsTable;
      reach: Reach;
      /** Unit-recorded rows by id (every such row of the matrix's clients). */
      recorded: ReadonlyMap<string, RecordedRow>;
      /** The first day a relationship may have ended on for the unit's staff to still see it (12-month window). */
      cutoff: string;
    },
  ) {}

  private inWindow(endedOn: string | null | undefined): boolean {
    return endedOn === null || endedOn === undefined || endedOn >= this.t.cutoff;
  }

  /** The persona's grants through which the client is visible (§4 row rule). */
  clientGrants(persona: PersonaCase, client: ClientFacts): GrantCase[] {
    const own = client.organisationId === persona.organisationId;
    const live = client.relationships.some((r) => this.inWindow(r.endedOn));
    return persona.grants.filter((g) => {
      switch (this.t.rows[g.role].clients) {
        case 'units':
          return client.relationships.some((r) => r.unitId === g.unitId && this.inWindow(r.endedOn));
        case 'organisation':
          return own && live;
        case 'archive':
          return own && client.relationships.length > 0 && !live;
      }
    });
  }

  /** Whether the grant's rule allows the field ({ noRule } when the table has no rule for it). */
  allows(cell: CellContext): boolean | { noRule: string } {
    const rule = (this.t.policy[cell.grant.role] as Partial<Record<string, Rule>> | undefined)?.[cell.field.category];
    if (rule === undefined) return { noRule: `no rule for ${cell.grant.role} × ${cell.field.category} in the policy table` };
    if (rule === 'yes') return true;
    if (rule === 'no') return false;
    if ('only' in rule) return rule.only.includes(`${cell.field.type}.${cell.field.field}`) || rule.only.includes(`${cell.field.type}.*`);
    return rule.when(cell);
  }

  private allowsHop(persona: PersonaCase, client: ClientFacts, grant: GrantCase, type: string, field: string): boolean {
    const f = sensitiveField(type, field);
    return f !== undefined && this.allows({ field: f, persona, client, grant }) === true;
  }

  /** The grant's role reads every list on the way from Client to the type (a student has no HEALTH: no medications). */
  private reachesKind(persona: PersonaCase, client: ClientFacts, grant: GrantCase, typename: string): boolean {
    for (let type = typename, step = this.t.reach[type]; step; type = step.parent, step = this.t.reach[type]) {
      if (!this.allowsHop(persona, client, grant, step.parent, step.via)) return false;
    }
    return true;
  }

  /** The persona's grants through which a unit-recorded row is visible. */
  recordGrants(persona: PersonaCase, client: ClientFacts, r: RecordedRow): GrantCase[] {
    return this.clientGrants(persona, client).filter((g) => {
      const rows = this.t.rows[g.role];
      const inScope =
        rows.records === 'organisation' || (rows.records === 'units' && r.unitId === g.unitId && (r.typename !== 'ClientRelationship' || this.inWindow(r.endedOn)));
      const hidden = r.documentType !== undefined && rows.hiddenDocumentTypes.includes(r.documentType as DocumentType);
      return r.clientId === client.id && inScope && !hidden && this.reachesKind(persona, client, g, r.typename);
    });
  }

  /**
   * The grants through which the last object of a lineage (client first) is visible: a unit-recorded row by
   * its own row rule; anything else (guardians, care days, revisions, invoices, consents, …) through the
   * grants of its parent under which the list leading to it is readable.
   */
  grantsAlong(persona: PersonaCase, client: ClientFacts, lineage: readonly Step[]): GrantCase[] {
    let grants = this.clientGrants(persona, client);
    for (let i = 1; i < lineage.length; i += 1) {
      const step = lineage[i]!;
      const parent = lineage[i - 1]!;
      const id = step.object['id'];
      const row = typeof id === 'string' ? this.t.recorded.get(id) : undefined;
      if (row && row.typename === step.type) grants = this.recordGrants(persona, client, row);
      else grants = grants.filter((g) => this.allowsHop(persona, client, g, parent.type, step.field!));
    }
    return grants;
  }

  /** Allowed iff some grant through which the object is visible allows the field. */
  outcome(persona: PersonaCase, client: ClientFacts, field: SensitiveField, lineage: readonly Step[]): Outcome | { noRule: string } {
    let allowed = false;
    for (const grant of this.grantsAlong(persona, client, lineage)) {
      const verdict = this.allows({ field, persona, client, grant });
      if (typeof verdict !== 'boolean') return verdict;
      allowed ||= verdict;
    }
    return allowed ? 'allowed' : 'denied';
  }

  /** A Client field's outcome on the client itself. */
  clientOutcome(persona: PersonaCase, client: ClientFacts, field: SensitiveField): Outcome | { noRule: string } {
    return this.outcome(persona, client, field, [{ type: 'Client', field: null, object: { id: client.id }, path: ['client'] }]);
  }
}
