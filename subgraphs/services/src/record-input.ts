import { invoiceStatusEnum, restrictionKindEnum } from '@vartija/db';
import { todayInFinland } from '@vartija/kit';
import { z } from 'zod';
import { DECISION_TYPES } from './decision-input';
import { isoDate, PLACEMENT_KINDS } from './placement-input';

/**
 * Input of the services subgraph's issue-11 writes (restrictions, assistance requests, medications, care
 * days, payment commitments, invoices, notification, corrections). Ids are checked by the service (a
 * malformed id is NOT_FOUND, like an unknown one), not here.
 */

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
// Small tolerance for clock skew between the caller and the server.
const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;
const instant = z.date('must be an ISO 8601 instant, e.g. 2024-05-31T12:00:00Z');
const pastInstant = instant.refine((d) => d.getTime() <= Date.now() + FUTURE_TOLERANCE_MS, 'must not be in the future');
const cents = z
  .number('must be a whole number of euro cents')
  .int('must be a whole number of euro cents')
  .min(0, 'must not be negative')
  .max(2_000_000_000, 'must be at most 2000000000 (20 million euros)');
/** A calendar date the user gives is a day in Finland (kit/finnish-date.ts), not a UTC day. */
const notFuture = (v: string) => v <= todayInFinland();

export const RESTRICTION_KINDS = restrictionKindEnum.enumValues;
export const INVOICE_STATUSES = invoiceStatusEnum.enumValues;
export const NOTIFICATION_METHODS = ['LETTER', 'LETTER_WITH_RECEIPT', 'IN_PERSON', 'ELECTRONIC', 'ORAL'] as const;

/** Rajoitustoimenpide: always with a reason and a duration (seed / DESIGN §1). */
export const recordRestrictionInput = z
  .object({
    clientId: z.string(),
    unitId: z.string(),
    placementId: z.string().nullish(),
    kind: z.enum(RESTRICTION_KINDS, 'must be one of ' + RESTRICTION_KINDS.join(', ')),
    reason: z.string('is required: why the measure was necessary').trim().min(1, 'is required: why the measure was necessary').max(5000, 'must be at most 5000 characters'),
    startsAt: pastInstant,
    endsAt: instant.nullish(),
  })
  .superRefine((v, ctx) => {
    if (!v.endsAt) {
      ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'is required: a restrictive measure is always for a set duration; give the time it ends' });
    } else if (v.endsAt.getTime() <= v.startsAt.getTime()) {
      ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' });
    }
  });
export type RecordRestrictionInput = z.infer<typeof recordRestrictionInput>;

export const recordAssistanceRequestInput = z.object({
  clientId: z.string(),
  unitId: z.string(),
  requestedFrom: text(200),
  reason: text(5000),
  requestedAt: pastInstant,
});
export type RecordAssistanceRequestInput = z.infer<typeof recordAssistanceRequestInput>;

export const recordMedicationInput = z.object({
  clientId: z.string(),
  unitId: z.string(),
  placementId: z.string().nullish(),
  medicine: text(200),
  dose: text(200),
  givenAt: pastInstant,
  givenBy: text(200),
});
export type RecordMedicationInput = z.infer<typeof recordMedicationInput>;

/** At most a year of days in one call; each day once; none in the future (a care day is billed once given). */
export const careDaysInput = z
  .array(
    z.object({
      day: isoDate.refine(notFuture, 'must not be in the future'),
      costCents: cents,
    }),
  )
  .min(1, 'must name at least one day')
  .max(366, 'must name at most 366 days at a time')
  .superRefine((days, ctx) => {
    const seen = new Set<string>();
    days.forEach((d, i) => {
      if (seen.has(d.day)) ctx.addIssue({ code: 'custom', path: [i, 'day'], message: `${d.day} is named twice` });
      seen.add(d.day);
    });
  });
export type CareDaysInput = z.infer<typeof careDaysInput>;

export const recordPaymentCommitmentInput = z
  .object({
    clientId: z.string(),
    unitId: z.string(),
    placementId: z.string().nullish(),
    providerOrganisationId: z.string().nullish(),
    amountCents: cents,
    validFrom: isoDate,
    validUntil: isoDate.nullish(),
  })
  .superRefine((v, ctx) => {
    if (v.validUntil && v.validUntil < v.validFrom) {
      ctx.addIssue({ code: 'custom', path: ['validUntil'], message: `must not be before validFrom (${v.validFrom})` });
    }
  });
export type RecordPaymentCommitmentInput = z.infer<typeof recordPaymentCommitmentInput>;

export const recordInvoiceInput = z
  .object({
    paymentCommitmentId: z.string(),
    periodStart: isoDate,
    periodEnd: isoDate,
    amountCents: cents,
    status: z.enum(INVOICE_STATUSES, 'must be one of ' + INVOICE_STATUSES.join(', ')).nullish(),
  })
  .superRefine((v, ctx) => {
    if (v.periodEnd < v.periodStart) {
      ctx.addIssue({ code: 'custom', path: ['periodEnd'], message: `must not be before periodStart (${v.periodStart})` });
    }
  });
export type RecordInvoiceInput = z.infer<typeof recordInvoiceInput>;

export const notificationInput = z.object({
  notifiedOn: isoDate.refine(notFuture, 'must not be in the future'),
  method: z.enum(NOTIFICATION_METHODS, 'must be one of ' + NOTIFICATION_METHODS.join(', ')),
});

/** Why a correction was made: required, kept in the history with the earlier values. */
export const correctionReason = z.string('is required: say why the record is corrected').trim().min(1, 'is required: say why the record is corrected').max(1000, 'must be at most 1000 characters');

const atLeastOne = (v: Record<string, unknown>) => Object.values(v).some((x) => x !== undefined);

export const updateDecisionInput = z
  .object({
    type: z.enum(DECISION_TYPES, 'must be one of ' + DECISION_TYPES.join(', ')).optional(),
    legalAct: text(200).optional(),
    legalSection: text(50).optional(),
    content: text(20_000).optional(),
  })
  .refine(atLeastOne, 'must name at least one field to correct: type, legalAct, legalSection or content');
export type UpdateDecisionInput = z.infer<typeof updateDecisionInput>;

export const updatePlacementInput = z
  .object({
    kind: z.enum(PLACEMENT_KINDS, 'must be one of ' + PLACEMENT_KINDS.join(', ')).optional(),
    providerName: text(200).optional(),
    startsOn: isoDate.optional(),
    // null clears a set end.
    endsOn: isoDate.nullable().optional(),
  })
  .refine(atLeastOne, 'must name at least one field to correct: kind, providerName, startsOn or endsOn');
export type UpdatePlacementInput = z.infer<typeof updatePlacementInput>;

/** GraphQL gives absent optional fields as undefined and explicit nulls as null: a null that cannot be cleared is "not given". */
export function withoutNulls<T extends Record<string, unknown>>(input: T, nullable: readonly string[] = []): T {
  return Object.fromEntries(Object.entries(input).filter(([k, v]) => v !== null || nullable.includes(k))) as T;
}
