import type { Queryable } from '@vartija/db';
import type { Actor } from '../actor';
import { appError } from '../errors';
import { SENSITIVE_FIELDS } from '../generated/sensitive-fields';
import type { AuditAction, AuditEntryInput, AuditOutcome } from './entry';
import type { ReturnedAudit } from './returned';
import type { AuditSink } from './sink';
import type { AuditTarget } from './target';

/** A sensitive field as the log names it. */
export interface AuditField {
  field: string;
  category: string;
}

interface Pending {
  target: AuditTarget;
  action: AuditAction;
  outcome: AuditOutcome;
  fields: Set<string>;
  categories: Set<string>;
  reason: string | null;
}

/** Metrics of access-log writes (observability/metrics.ts): batch size, latency, failures; DENIED entries recorded. */
export interface AuditWriteObserver {
  observeAuditWrite(batch: readonly AuditEntryInput[], seconds: number, failed: boolean): void;
  /** One entry recorded (written here or returned to the gateway). */
  observeRecorded(action: AuditAction, outcome: AuditOutcome): void;
}

/**
 * Collects what a subgraph request touches, one entry per entity × action × outcome, and writes
 * them all in one batch before the response leaves (failClosedAudit, plugin.ts).
 */
export class AuditRecorder {
  private readonly pending = new Map<string, Pending>();
  /** Entries other services returned for this request (the gateway's recorder): appended with its own. */
  private readonly adopted: AuditEntryInput[] = [];
  private adoptionFailed = false;

  constructor(
    private readonly actor: Actor,
    private readonly subgraph: string,
    private readonly sink: AuditSink,
    private readonly observer?: AuditWriteObserver,
    /**
     * The gateway appends this request's entries (signed `returnAudit`): the id of its actor context, which the
     * entries `take`n into the response name so that the gateway accepts them for that one fetch only.
     */
    readonly returnTo: string | null = null,
  ) {}

  get size(): number {
    return this.pending.size + this.adopted.length;
  }

  /**
   * Entries a subgraph returned for this request (returnedAuditEntries, which gives them this request's
   * columns): written with this recorder's own in one append. A batch the gateway could not accept
   * (`null`: malformed, or returned for another fetch) fails the flush: the request fails closed.
   */
  adopt(entries: readonly AuditEntryInput[] | null): void {
    if (!entries) this.adoptionFailed = true;
    else this.adopted.push(...entries);
  }

  record(
    target: AuditTarget,
    field: AuditField | null,
    action: AuditAction = 'READ',
    outcome: AuditOutcome = 'ALLOWED',
    reason: string | null = null,
  ): void {
    // What a partner organisation reads is a disclosure (luovutus); a declared print or export is one too.
    if (action === 'READ' && outcome === 'ALLOWED') {
      if (this.actor.kind === 'PARTNER') action = 'DISCLOSE';
      else if (this.actor.intent !== 'VIEW') action = this.actor.intent;
    }
    // One entry per entity × action × outcome × grant: the log names the grant that allowed each field.
    const key = `${target.entityType}\u0000${target.entityId}\u0000${action}\u0000${outcome}\u0000${target.role ?? ''}\u0000${target.unitId ?? ''}`;
    let entry = this.pending.get(key);
    if (!entry) {
      entry = { target, action, outcome, fields: new Set(), categories: new Set(), reason };
      this.pending.set(key, entry);
    }
    if (field) {
      entry.fields.add(field.field);
      entry.categories.add(field.category);
    }
  }

  /**
   * A refusal (outcome DENIED): the target, the field refused or null for the whole entity, the action
   * refused (AUDIT_ACTION_OF maps a policy action) and why, in words an auditor can read.
   */
  deny(target: AuditTarget, field: AuditField | null, action: AuditAction, reason: string): void {
    this.record(target, field, action, 'DENIED', reason);
  }

  /** A write: one entry naming the fields changed (never their values) with their categories. */
  recordChange(target: AuditTarget, fields: readonly string[], action: AuditAction): void {
    this.record(target, null, action);
    for (const field of fields) {
      const known = SENSITIVE_FIELDS.find((f) => f.type === target.entityType && f.field === field);
      this.record(target, { field, category: known?.category ?? 'IDENTITY' }, action);
    }
  }

  /** Writes and forgets everything pending; throws when the log cannot be written. */
  async flush(via?: Queryable): Promise<number> {
    if (this.adoptionFailed) {
      this.observer?.observeAuditWrite([], 0, true);
      throw auditUnavailable();
    }
    if (this.pending.size === 0 && this.adopted.length === 0) return 0;
    const batch = [...this.take(), ...this.adopted.splice(0)];
    const started = performance.now();
    try {
      await this.sink.write(batch, via);
    } catch {
      this.observer?.observeAuditWrite(batch, (performance.now() - started) / 1000, true);
      // Inside a mutation this rolls the write back; the caller learns why in a word it can act on.
      throw auditUnavailable();
    }
    this.observer?.observeAuditWrite(batch, (performance.now() - started) / 1000, false);
    return batch.length;
  }

  /** Everything pending as entries, forgotten here. */
  take(): AuditEntryInput[] {
    const at = new Date();
    return this.drain().map((p) => ({
      at,
      requestId: this.actor.requestId,
      operationName: this.actor.operationName,
      subgraph: this.subgraph,
      actorKind: this.actor.kind,
      actorId: this.actor.id,
      actorRole: this.roleOf(p),
      organisationId: this.actor.organisationId,
      unitId: p.target.unitId ?? null,
      clientId: p.target.clientId,
      entityType: p.target.entityType,
      entityId: p.target.entityId,
      action: p.action,
      outcome: p.outcome,
      fields: [...p.fields].sort(),
      categories: [...p.categories].sort(),
      purpose: this.actor.purpose,
      emergency: this.actor.emergency,
      callerAddress: this.actor.callerAddress,
      reason: p.reason,
    }));
  }

  /**
   * Everything pending in the form the gateway appends it (`returnTo`), forgotten here; null when nothing
   * is. Only what the gateway does not know: it adds the request's own columns (returnedAuditEntries).
   */
  takeReturned(): ReturnedAudit | null {
    if (this.returnTo === null || this.pending.size === 0) return null;
    const entries = this.drain().map((p): ReturnedAudit['entries'][number] => [
      this.roleOf(p),
      p.target.unitId ?? null,
      p.target.clientId,
      p.target.entityType,
      p.target.entityId,
      p.action,
      p.outcome,
      [...p.fields].sort(),
      [...p.categories].sort(),
      p.reason,
    ]);
    return { jti: this.returnTo, entries };
  }

  private drain(): Pending[] {
    const drained = [...this.pending.values()];
    this.pending.clear();
    if (this.observer) for (const p of drained) this.observer.observeRecorded(p.action, p.outcome);
    return drained;
  }

  private roleOf(p: Pending): string | null {
    return p.target.role ?? roleFor(this.actor, p.target.unitId ?? null);
  }
}

/**
 * The role to log when no grant allowed the action (a refusal): the grant of the unit concerned, the
 * only grant, or none — never a guess among several roles.
 */
function roleFor(actor: Actor, unitId: string | null): string | null {
  if (actor.kind === 'PARTNER') return 'PARTNER';
  // A refusal about another unit's data names no role: the actor holds none there.
  if (unitId) {
    const ofUnit = actor.grants.filter((g) => g.unitId === unitId);
    return ofUnit.length === 1 ? ofUnit[0]!.role : null;
  }
  return actor.grants.length === 1 ? actor.grants[0]!.role : null;
}

/** Why a write that could not be logged did nothing, in words the caller can act on (one wording for every path). */
function auditUnavailable() {
  return appError('AUDIT_UNAVAILABLE', 'The access log could not be written, so nothing was done. Try again shortly.');
}
