import { isMixedScript, MIXED_SCRIPT_REASON, todayInFinland } from '@vartija/kit';
import { z } from 'zod';

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .nullish()
    .transform((v) => (v ? v : null));

/** A calendar date YYYY-MM-DD that exists, from 1800 up to today in Finland. */
const pastDate = z
  .string()
  .refine(
    (v) => DATE_RE.test(v) && new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) === v,
    'must be a calendar date written YYYY-MM-DD, e.g. 2024-05-31',
  )
  .refine((v) => v >= '1800-01-01', 'must be 1800-01-01 or later')
  .refine((v) => v <= todayInFinland(), 'must not be in the future (a day in Finland): the request has been received');

export const MAX_DISCLOSED_DOCUMENTS = 50;

/**
 * A disclosure (luovutus): on a specified request (seed 001), with exactly one basis — a legal basis
 * (act and section) or the client's consent. Ids are checked by the service (a malformed id is
 * NOT_FOUND, like an unknown one), not here.
 */
export const recordDisclosureInput = z
  .object({
    clientId: z.string(),
    unitId: z.string(),
    recipientOrganisationId: z.string().nullish().transform((v) => v ?? null),
    recipientName: text(200).refine((v) => !isMixedScript(v), MIXED_SCRIPT_REASON),
    legalAct: optionalText(200),
    legalSection: optionalText(50),
    consentId: z.string().nullish().transform((v) => v ?? null),
    requestDescription: text(2_000),
    requestedOn: pastDate,
    documentIds: z
      .array(z.string())
      .min(1, 'name at least one document: a disclosure gives documents')
      .max(MAX_DISCLOSED_DOCUMENTS, `must name at most ${MAX_DISCLOSED_DOCUMENTS} documents`)
      .transform((ids) => [...new Set(ids)]),
  })
  .superRefine((v, ctx) => {
    const legal = v.legalAct !== null || v.legalSection !== null;
    if (legal && (v.legalAct === null || v.legalSection === null)) {
      const missing = v.legalAct === null ? 'legalAct' : 'legalSection';
      ctx.addIssue({ code: 'custom', path: [missing], message: 'a legal basis needs both the act and the section' });
    } else if (legal && v.consentId !== null) {
      ctx.addIssue({ code: 'custom', path: ['consentId'], message: 'give either a legal basis (legalAct + legalSection) or a consent, not both' });
    } else if (!legal && v.consentId === null) {
      ctx.addIssue({ code: 'custom', path: ['legalAct'], message: 'a disclosure needs a basis: give legalAct + legalSection, or the consentId of the client\'s consent' });
    }
  });

export type RecordDisclosureInput = z.infer<typeof recordDisclosureInput>;

/** The stored legal basis: "<act> <section>", e.g. "Lastensuojelulaki 43 §". */
export const legalBasisOf = (input: Pick<RecordDisclosureInput, 'legalAct' | 'legalSection'>): string | null =>
  input.legalAct && input.legalSection ? `${input.legalAct} ${input.legalSection}` : null;

/** Disclosure fields a new disclosure sets, for the access log. */
export function disclosureFields(input: RecordDisclosureInput): string[] {
  const fields = ['disclosedAt', 'disclosedByName', 'documents', 'recipientName', 'requestDescription', 'requestedOn'];
  fields.push(input.consentId ? 'consentId' : 'legalBasis');
  if (input.recipientOrganisationId) fields.push('recipientOrganisation');
  return fields.sort();
}
