import { assertCan, type AuditTarget, badInput, forbidden, isUuid, rolesOf } from '@vartija/kit';
import type { Context } from './context';

/**
 * The client a query names, when it is a client of the actor's own organisation; otherwise null. The entry of
 * a query is the actor's organisation's: naming another organisation's client would put it (and this
 * organisation's staff and reasons) into that organisation's log, which its auditors read by client.
 */
export async function ownClientId(ctx: Context, clientId: string | null | undefined): Promise<string | null> {
  if (!clientId || !isUuid(clientId)) return null;
  const id = clientId.toLowerCase();
  return (await ctx.loaders.ownClient.load(id)) ? id : null;
}

/**
 * The access-log entry of an auditor's own query (DESIGN.md §5: auditors' queries are logged): the
 * log itself is the entity, the query its id, and the client when the query is about one.
 */
export function auditLogTarget(query: string, clientId: string | null | undefined): AuditTarget {
  return { entityType: 'AuditLog', entityId: query, clientId: clientId && isUuid(clientId) ? clientId.toLowerCase() : null };
}

/** FORBIDDEN for everyone but auditors, before the query's input is used; the refusal is logged as DENIED. */
export function requireAuditor(ctx: Context, query: string, clientId: string | null = null): void {
  if (!ctx.ability.can('read', 'AuditEntry')) {
    ctx.audit.deny(auditLogTarget(query, clientId), null, 'READ', 'not permitted to read the access log');
  }
  assertCan(ctx.ability, 'read', 'AuditEntry', {});
}

/** Logs an auditor's query once its input is valid; written with the request's batch before the answer leaves. */
export function logAuditorQuery(ctx: Context, query: string, clientId: string | null = null, reason: string | null = null): void {
  ctx.audit.record(auditLogTarget(query, clientId), null, 'READ', 'ALLOWED', reason);
}

/**
 * FORBIDDEN for everyone but auditors and registrars (staff), before anything is done; the refusal is
 * logged as DENIED. A checkpoint reveals nothing of the log: it only anchors it.
 */
export function requireCheckpointer(ctx: Context, mutation: string): void {
  const roles = ctx.actor.kind === 'USER' ? rolesOf(ctx.actor) : [];
  if (ctx.ability.can('read', 'AuditEntry') || roles.includes('REGISTRAR')) return;
  ctx.audit.deny(auditLogTarget(mutation, null), null, 'CREATE', 'only an auditor or the registrar may checkpoint the access log');
  throw forbidden('Only an auditor or the registrar may checkpoint the access log');
}

/** Logs an action on the log itself (a checkpoint), with what came of it. */
export function logAuditLogAction(ctx: Context, mutation: string, reason: string): void {
  ctx.audit.record(auditLogTarget(mutation, null), null, 'CREATE', 'ALLOWED', reason);
}

export const DAY_MS = 24 * 60 * 60 * 1000;

export function yearsBefore(date: Date, years: number): Date {
  const result = new Date(date);
  result.setUTCFullYear(result.getUTCFullYear() - years);
  return result;
}

/** `from` must come before `to`; both arguments are named as the query names them. */
export function assertOrdered(from: Date | null | undefined, to: Date | null | undefined, prefix = ''): void {
  if (from && to && from.getTime() >= to.getTime()) {
    throw badInput(`${prefix}from`, `must be before ${prefix}to (got ${from.toISOString()} and ${to.toISOString()})`);
  }
}

export function asDate(value: Date | string | null | undefined): Date | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value : new Date(value);
}
