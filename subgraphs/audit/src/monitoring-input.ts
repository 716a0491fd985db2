import { badInput, parseInput } from '@vartija/kit';
import { z } from 'zod';
import { asDate, DAY_MS } from './auditor';

/** Queues and activity reach at most a year back at a time: the statements aggregate the whole period. */
export const MONITORING_MAX_DAYS = 366;
export const QUEUE_DEFAULT_DAYS = 30;
export const QUEUE_MAX_ITEMS = 500;
export const RUNS_MAX = 100;
export const ACTORS_MAX = 100;
export const NOTE_MAX = 2000;

const FINNISH_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** `first` within 1–max, with its default. */
export function firstWithin(first: number | null | undefined, fallback: number, max: number): number {
  const value = first ?? fallback;
  if (!Number.isInteger(value) || value < 1 || value > max) throw badInput('first', `must be between 1 and ${max}`);
  return value;
}

/** An instant range [from, to): to defaults to now, from to `defaultDays` before to; at most MONITORING_MAX_DAYS. */
export function periodOf(fromArg: Date | string | null | undefined, toArg: Date | string | null | undefined, now: Date, defaultDays: number) {
  const to = asDate(toArg) ?? now;
  const from = asDate(fromArg) ?? new Date(to.getTime() - defaultDays * DAY_MS);
  if (Number.isNaN(from.getTime())) throw badInput('from', 'must be an ISO 8601 instant');
  if (Number.isNaN(to.getTime())) throw badInput('to', 'must be an ISO 8601 instant');
  if (from.getTime() >= to.getTime()) throw badInput('from', `must be before to (got ${from.toISOString()} and ${to.toISOString()})`);
  if (to.getTime() - from.getTime() > MONITORING_MAX_DAYS * DAY_MS) {
    throw badInput('from', `the period may span at most ${MONITORING_MAX_DAYS} days; ask for it in parts`);
  }
  return { from, to };
}

/** Finnish calendar days [from, to], at most MONITORING_MAX_DAYS of them. */
export function dayRangeOf(from: string, to: string): { fromDay: string; toDay: string } {
  for (const [field, value] of [['from', from], ['to', to]] as const) {
    if (!FINNISH_DAY.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) throw badInput(field, 'must be a calendar day (YYYY-MM-DD)');
  }
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS + 1;
  if (days < 1) throw badInput('from', `must not be after to (got ${from} and ${to})`);
  if (days > MONITORING_MAX_DAYS) throw badInput('from', `the period may span at most ${MONITORING_MAX_DAYS} days; ask for it in parts`);
  return { fromDay: from, toDay: to };
}

/** An AuditEntry.id: the entry's place in the chain. */
export function entrySeqOf(id: string, field = 'entryId'): number {
  if (!/^[1-9]\d{0,15}$/.test(id)) throw badInput(field, 'must be the id of an access-log entry (AuditEntry.id, a positive whole number)');
  return Number(id);
}

const note = z
  .string()
  .trim()
  .max(NOTE_MAX, `must be at most ${NOTE_MAX} characters`)
  // Invisible characters alone (zero-width spaces) are no note either.
  .refine((v) => v.replace(/[\s\p{Cf}]/gu, '').length > 0, 'must not be empty: say what you checked and what you concluded');

/** The reviewer's note. */
export const reviewNoteOf = (value: string): string => parseInput(note, value, 'note');
