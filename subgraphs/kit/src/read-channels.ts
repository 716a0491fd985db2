import { and, type SQL } from 'drizzle-orm';
import type { AuditTarget } from './audit/target';
import type { RequestContext } from './context';
import { forbidden } from './errors';
import { SENSITIVE_FIELDS } from './generated/sensitive-fields';
import { grantKeyOfRule, type Subject } from './policy/ability';
import { type ReadableScope, readableScope } from './policy/field-scope';
import { rowScope } from './policy/row-scope';

/** Which fields each filter / sort / look-up argument of a list reads, e.g. `{ lastNamePrefix: ['lastName'] }`. */
export type ChannelFields = Readonly<Record<string, readonly string[]>>;

/**
 * Filters, sorting, counts and look-ups through the policy (DESIGN.md §4, policy v2): what a field
 * hides, no other channel may show. A list declares which fields each of its arguments reads; this
 * turns the arguments used into
 * - a row condition: only rows on which the actor may read every field used (`where`), and
 * - log entries: each matched row's use of those fields, even when only ids or a count go out
 *   (`recordMatches`).
 */
export class ReadChannel {
  private readonly used: string[];

  constructor(
    private readonly ctx: RequestContext<unknown>,
    private readonly subject: Subject,
    spec: ChannelFields,
    args: Record<string, unknown> | null | undefined,
    /** Fields every request of the list reads (its sort key), whether or not arguments are given. */
    always: readonly string[] = [],
  ) {
    const fromArgs = Object.entries(args ?? {})
      .filter(([name, value]) => value !== null && value !== undefined && value !== false && value !== '' && spec[name])
      .flatMap(([name]) => spec[name]!);
    this.fieldsUsedByArgs = [...new Set(fromArgs)];
    this.used = [...new Set([...always, ...fromArgs])];
  }

  /** The fields the given arguments read (not the sort key): what a match is logged with. */
  readonly fieldsUsedByArgs: string[];

  get filtered(): boolean {
    return this.fieldsUsedByArgs.length > 0;
  }

  /**
   * The rows a read through this channel may reach: the actor's row scope and the condition that every field
   * used is readable — that condition alone when it implies the row scope (field-scope.ts withinRowScope; the
   * proof is about the row scope, so the channel takes it itself, never from a caller). `narrowed`: whether some
   * field used is readable on some visible rows only. FORBIDDEN (logged as DENIED) when no rule could ever allow
   * a field used.
   */
  where(): { rows: SQL; narrowed: boolean } {
    const visible = rowScope(this.ctx.ability, this.subject);
    const readable = this.scope();
    if (!readable) return { rows: visible, narrowed: false };
    return { rows: readable.withinRowScope ? readable.condition : and(visible, readable.condition)!, narrowed: true };
  }

  private scope(): ReadableScope | null {
    const scope = readableScope(this.ctx.ability, this.ctx.grants, this.subject, this.used);
    if (scope === 'never') {
      const unreadable = this.used.filter((f) => readableScope(this.ctx.ability, this.ctx.grants, this.subject, [f]) === 'never');
      for (const field of unreadable) {
        this.ctx.audit.deny({ entityType: this.subject, entityId: null, clientId: null }, this.categoryOf(field), 'READ', 'filter on a field not readable');
      }
      throw forbidden(`Not allowed to filter or look up ${this.subject} by ${unreadable.join(', ')}: you may not read ${unreadable.length > 1 ? 'these fields' : 'this field'}`);
    }
    return scope;
  }

  /** Logs every matched row's use of the fields its arguments read, under the grant that allows each. */
  recordMatches(rows: readonly object[], targetOf: (row: Record<string, unknown>) => AuditTarget): void {
    if (!this.filtered) return;
    for (const row of rows) {
      for (const field of this.fieldsUsedByArgs) {
        const rule = this.ctx.grants.readRuleFor(this.ctx.ability, this.subject, row, field);
        const grant = this.ctx.grants.grant(grantKeyOfRule(rule));
        const target = targetOf(row as Record<string, unknown>);
        this.ctx.audit.record(grant ? { ...target, unitId: grant.unitId, role: grant.role } : target, this.categoryOf(field));
      }
    }
  }

  private categoryOf(field: string) {
    const known = SENSITIVE_FIELDS.find((f) => f.type === this.subject && f.field === field);
    return { field, category: known?.category ?? 'IDENTITY' };
  }
}
