import { subject as asSubject } from '@casl/ability';
import { clients, type Queryable } from '@vartija/db';
import { eq, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { registerOrganisationOf } from './actor';
import { AUDIT_ACTION_OF, type AuditAction } from './audit/entry';
import type { AuditTarget } from './audit/target';
import type { RequestContext } from './context';
import { conflict, forbidden, notFound } from './errors';
import { isUuid } from './ids';
import { type Action, grantKeyOfRule, type PolicyGrant, type Subject } from './policy/ability';
import { rowScope } from './policy/row-scope';
import { responsibleWorkerIdsOf, servingUnitIdsOf } from './policy/subject-columns';
import { applyRevision, lockRow } from './revisions';

/**
 * A client as the write rules see it (the "full write subject"): what every rule about writing a
 * client's records may depend on, read inside the write's transaction.
 */
export interface ClientSubject {
  id: string;
  clientId: string;
  organisationId: string;
  addressNonDisclosure: boolean;
  version: number;
  /** Responsible workers of the client's open relationships. */
  responsibleWorkerIds: string[];
  /** Units with an open relationship with the client: the units that serve it. */
  servingUnitIds: string[];
  /** The actor's grants through which the client is visible. */
  via: string[];
  /** Whether the actor sees the client at all: a refusal on an invisible client answers NOT_FOUND. */
  visible: boolean;
}

/**
 * One audited write (DESIGN.md §4 policy v2): the transaction, the policy decision on the full write
 * subject, the log entries in the same transaction, fail-closed. Services build on this; resolvers
 * only parse input and call a service.
 */
export class AuditedWrite {
  constructor(
    readonly tx: Queryable,
    private readonly ctx: RequestContext<unknown>,
  ) {}

  get actor() {
    return this.ctx.actor;
  }

  /**
   * The client a write is about, as the write rules see it. An unknown id answers NOT_FOUND; a client
   * the actor cannot see is returned with `visible: false`, and any refusal on it answers NOT_FOUND
   * too (see authorizeOn), so a write never tells whether a client exists.
   */
  async client(clientId: string, unknown: () => Error = () => notFound('Client', clientId)): Promise<ClientSubject> {
    const row = isUuid(clientId) ? await this.loadClient(clientId) : undefined;
    // A client outside the register the actor works in (its organisation's; a partner token's issuing region's)
    // is an unknown id (`unknown`: the answer for the id the caller gave): naming it in a DENIED entry would tell
    // the caller's auditors who is a client there.
    if (!row || row.organisationId !== registerOrganisationOf(this.actor)) throw unknown();
    // `attach` is for rows within the actor's row scope; an invisible client is visible through no grant.
    if (!row.visible) return { ...row, clientId: row.id, via: [] };
    const [withVia] = await this.ctx.grants.attach('Client', [{ ...row, clientId: row.id }], this.tx);
    return withVia!;
  }

  /**
   * `authorize` for a write about a client: a refusal on a client the actor cannot see answers like
   * an unknown id (`hidden`, by default NOT_FOUND for the client), and is logged as DENIED with it.
   */
  authorizeOn(
    client: ClientSubject,
    action: Action,
    type: Subject,
    row: object,
    fields: readonly string[] | null,
    target: AuditTarget,
    hidden: () => Error = () => notFound('Client', client.id),
  ): PolicyGrant | undefined {
    try {
      return this.authorize(action, type, row, fields, target);
    } catch (error) {
      if (!client.visible) throw hidden();
      throw error;
    }
  }

  /**
   * Throws FORBIDDEN (after logging DENIED) unless the policy allows `action` on the subject for every
   * field written. Returns the grant that allowed it, which the log entry names.
   */
  authorize(action: Action, type: Subject, row: object, fields: readonly string[] | null, target: AuditTarget): PolicyGrant | undefined {
    const subject = asSubject(type, { ...row }) as unknown as Record<PropertyKey, unknown>;
    let grant: PolicyGrant | undefined;
    for (const field of fields && fields.length > 0 ? fields : [undefined]) {
      const rule = this.ctx.ability.relevantRuleFor(action, subject, field);
      if (!rule || rule.inverted) {
        this.deny(action, target, field ? `${action} of ${type}.${field} not permitted` : `${action} not permitted`);
        throw forbidden(field ? `Not allowed to ${action} ${type}.${field} here` : `Not allowed to ${action} this ${type}`);
      }
      grant ??= this.ctx.grants.grant(grantKeyOfRule(rule));
    }
    return grant;
  }

  /**
   * A change: one entry naming the fields written (never their values), under the allowing grant.
   * Staged until the work succeeds, so a write that is rolled back leaves no CREATE/UPDATE entry.
   */
  change(target: AuditTarget, fields: readonly string[], action: AuditAction, grant?: PolicyGrant): void {
    this.staged.push(() =>
      this.ctx.audit.recordChange(grant ? { ...target, unitId: grant.unitId ?? target.unitId, role: grant.role } : target, fields, action),
    );
  }

  /** The row an update is about, locked until the write commits (undefined for an unknown id). */
  lock(table: PgTable, id: string): Promise<Record<string, unknown> | undefined> {
    return isUuid(id) ? lockRow(this.tx, table, id) : Promise.resolve(undefined);
  }

  /**
   * An update that keeps what it replaces (correction history, issue 11): writes the history row and the
   * change, and stages the UPDATE entry. `fields` are those the policy allowed (see changedFields);
   * `expectedVersion`, when given, must match the row's or the answer is CONFLICT (a lost update).
   */
  async revise(
    target: AuditTarget & { entityId: string },
    table: PgTable,
    current: Record<string, unknown>,
    patch: Record<string, unknown>,
    // `logFields`: the GraphQL fields the log names when they differ from the columns (address → street…).
    options: { fields: readonly string[]; reason: string | null; grant?: PolicyGrant; expectedVersion?: number | null; logFields?: readonly string[] },
  ): Promise<void> {
    if (options.expectedVersion != null && current.version !== options.expectedVersion) {
      throw conflict(`The ${target.entityType} was changed by someone else (version ${String(current.version)}); reload it and try again.`);
    }
    if (options.fields.length === 0) return;
    const input = { entityType: target.entityType, entityId: target.entityId, clientId: target.clientId, fields: options.fields, current, reason: options.reason };
    await applyRevision(this.tx, this.actor, table, input, patch);
    this.change(target, options.logFields ?? options.fields, 'UPDATE', options.grant);
  }

  /** Hands the staged changes to the request's recorder (called once the work has succeeded). */
  commitChanges(): void {
    for (const record of this.staged.splice(0)) record();
  }

  private readonly staged: (() => void)[] = [];

  deny(action: Action, target: AuditTarget, reason: string): void {
    this.ctx.audit.deny(target, null, AUDIT_ACTION_OF[action], reason);
  }

  // Sub-selects name the table in full: drizzle prints a lone table's columns unqualified.
  private async loadClient(id: string) {
    const [row] = await this.tx
      .select({
        id: clients.id,
        organisationId: clients.organisationId,
        addressNonDisclosure: clients.addressNonDisclosure,
        version: clients.version,
        responsibleWorkerIds: responsibleWorkerIdsOf(sql`clients.clients.id`),
        servingUnitIds: servingUnitIdsOf(sql`clients.clients.id`),
        visible: sql<boolean>`(${rowScope(this.ctx.ability, 'Client')})`,
      })
      .from(clients)
      .where(eq(clients.id, id));
    return row;
  }
}

/** Runs `work` in one transaction and writes its log entries in it: no change without its entry. */
export async function audited<T>(ctx: RequestContext<unknown>, work: (write: AuditedWrite) => Promise<T>): Promise<T> {
  return ctx.db.transaction(async (tx) => {
    const write = new AuditedWrite(tx, ctx);
    const result = await work(write);
    write.commitChanges();
    await ctx.audit.flush(tx);
    return result;
  });
}
