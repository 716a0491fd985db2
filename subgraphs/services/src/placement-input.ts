import { z } from 'zod';

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar date YYYY-MM-DD that exists (2024-02-30 does not). */
export const isoDate = z
  .string()
  .refine(
    (v) => DATE_RE.test(v) && new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) === v,
    'must be a calendar date written YYYY-MM-DD, e.g. 2024-05-31',
  );

export const PLACEMENT_KINDS = [
  'FAMILY_CARE',
  'INSTITUTIONAL_CARE',
  'PROFESSIONAL_FAMILY_HOME',
  'OPEN_CARE_SUPPORT',
  'KINSHIP_CARE',
] as const;

/** Ids are checked by the resolver (a malformed id is NOT_FOUND, like an unknown one), not here. */
export const recordPlacementInput = z
  .object({
    clientId: z.string(),
    unitId: z.string(),
    decisionId: z.string().nullish(),
    kind: z.enum(PLACEMENT_KINDS, 'must be one of ' + PLACEMENT_KINDS.join(', ')),
    providerOrganisationId: z.string().nullish(),
    providerName: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
    startsOn: isoDate,
    endsOn: isoDate.nullish(),
  })
  .superRefine((v, ctx) => {
    // ISO dates compare correctly as strings.
    if (v.endsOn && v.endsOn < v.startsOn) {
      ctx.addIssue({ code: 'custom', path: ['endsOn'], message: `must not be before startsOn (${v.startsOn})` });
    }
  });

export type RecordPlacementInput = z.infer<typeof recordPlacementInput>;

/** Placement fields a new placement sets, for the access log. */
export function placementFields(input: RecordPlacementInput): string[] {
  const fields = ['kind', 'providerName', 'startsOn'];
  if (input.providerOrganisationId) fields.push('provider');
  if (input.endsOn) fields.push('endsOn');
  return fields.sort();
}
