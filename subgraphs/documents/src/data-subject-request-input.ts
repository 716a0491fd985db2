import { isMixedScript, MIXED_SCRIPT_REASON, todayInFinland } from '@vartija/kit';
import { z } from 'zod';

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
/**
 * Today as a UTC day, the policy clock's day (kit/src/policy): kept for the archive cutoff of the
 * record extract (extract-service.ts). The request workflow's dates (receipt, due, overdue, decided)
 * are Finnish days: `todayInFinland` from @vartija/kit.
 */
export const today = () => new Date().toISOString().slice(0, 10);

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .nullish()
    .transform((v) => (v ? v : null));

const calendarDate = z
  .string()
  .refine((v) => DATE_RE.test(v) && new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) === v, 'must be a calendar date written YYYY-MM-DD, e.g. 2024-05-31');

/** `date` plus `months` calendar months, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb), as PostgreSQL does. */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const first = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(d, last));
  return first.toISOString().slice(0, 10);
}

/**
 * A data-subject request as received (issue 12; seeds 001–003): who asked and how their identity was
 * verified, the channel, the date, what is asked; an OBJECTION names the disclosures it covers.
 * Ids are checked by the service (a malformed id is NOT_FOUND, like an unknown one).
 */
export const receiveDataSubjectRequestInput = z
  .object({
    clientId: z.string(),
    unitId: z.string(),
    kind: z.enum(['ACCESS', 'RECTIFICATION', 'OBJECTION'], {
      message: 'must be ACCESS, RECTIFICATION or OBJECTION (RESTRICTION is a legacy kind, not received any more)',
    }),
    requesterKind: z.enum(['CLIENT', 'GUARDIAN', 'LEGAL_REPRESENTATIVE']),
    requesterName: optionalText(200),
    identityVerification: z.enum(['IN_PERSON_ID_DOCUMENT', 'STRONG_ELECTRONIC', 'SIGNED_DOCUMENT', 'KNOWN_TO_STAFF']),
    identityVerificationNote: optionalText(500),
    channel: z.enum(['LETTER', 'IN_PERSON', 'E_SERVICE', 'EMAIL']),
    receivedOn: calendarDate
      .refine((v) => v >= '1800-01-01', 'must be 1800-01-01 or later')
      .refine((v) => v <= todayInFinland(), 'must not be in the future (a day in Finland): the request has been received'),
    subject: text(4_000),
    objection: z
      .object({
        allNotBasedOnLaw: z.boolean().nullish().transform((v) => v ?? false),
        recipientOrganisationId: z.string().nullish().transform((v) => v ?? null),
        recipientName: optionalText(200).refine((v) => v === null || !isMixedScript(v), MIXED_SCRIPT_REASON),
      })
      .nullish()
      .transform((v) => v ?? null),
  })
  .superRefine((v, ctx) => {
    if (v.requesterKind !== 'CLIENT' && v.requesterName === null) {
      ctx.addIssue({ code: 'custom', path: ['requesterName'], message: 'name the guardian or legal representative who made the request' });
    }
    if (v.kind === 'OBJECTION') {
      const o = v.objection;
      if (!o || (!o.allNotBasedOnLaw && o.recipientOrganisationId === null && o.recipientName === null)) {
        ctx.addIssue({
          code: 'custom',
          path: ['objection'],
          message: 'an objection names the disclosures it covers: a recipientOrganisationId and/or recipientName, or allNotBasedOnLaw: true',
        });
      }
    } else if (v.objection !== null) {
      ctx.addIssue({ code: 'custom', path: ['objection'], message: 'only an OBJECTION has an objection scope' });
    }
  });
export type ReceiveDataSubjectRequestInput = z.infer<typeof receiveDataSubjectRequestInput>;

export const extendDataSubjectRequestInput = z.object({
  reason: text(1_000),
  extendedDueOn: calendarDate.nullish().transform((v) => v ?? null),
});
export type ExtendDataSubjectRequestInput = z.infer<typeof extendDataSubjectRequestInput>;

export const decideDataSubjectRequestInput = z
  .object({
    outcome: z.enum(['GRANTED', 'PARTLY_GRANTED', 'REFUSED']),
    legalGround: text(500),
    reasons: optionalText(4_000),
    feeCharged: z.boolean().nullish().transform((v) => v ?? false),
    feeGround: optionalText(1_000),
    correction: z
      .object({
        document: z
          .object({ documentId: z.string(), expectedRevision: z.number().int().min(1), title: text(500), body: text(100_000) })
          .nullish()
          .transform((v) => v ?? null),
        revision: z
          .object({ entityType: text(100), entityId: z.string(), revision: z.number().int().min(1) })
          .nullish()
          .transform((v) => v ?? null),
      })
      .nullish()
      .transform((v) => v ?? null),
  })
  .superRefine((v, ctx) => {
    if (v.outcome !== 'GRANTED' && v.reasons === null) {
      ctx.addIssue({
        code: 'custom',
        path: ['reasons'],
        message: 'a refusal, whole or part, states its reasons: they go on the written refusal certificate (kieltäytymistodistus)',
      });
    }
    if (v.feeCharged && v.feeGround === null) {
      ctx.addIssue({ code: 'custom', path: ['feeGround'], message: 'a fee needs its ground: the request is manifestly unfounded or excessive, or repeats one answered less than a year ago' });
    }
    if (!v.feeCharged && v.feeGround !== null) {
      ctx.addIssue({ code: 'custom', path: ['feeGround'], message: 'give a fee ground only with feeCharged: true' });
    }
    if (v.correction && (v.correction.document === null) === (v.correction.revision === null)) {
      ctx.addIssue({ code: 'custom', path: ['correction'], message: 'give exactly one of correction.document or correction.revision' });
    }
  });
export type DecideDataSubjectRequestInput = z.infer<typeof decideDataSubjectRequestInput>;
