import { z } from 'zod';

export const RESEARCH_FIELDS = ['BIRTH_YEAR', 'MUNICIPALITY', 'MOTHER_TONGUE', 'SERVICE_TASK', 'RELATIONSHIP_PERIOD', 'DECISION_TYPES', 'PLACEMENT_KINDS', 'CARE_DAYS'] as const;
export type ResearchField = (typeof RESEARCH_FIELDS)[number];
const SERVICE_TASKS = [
  'CHILD_WELFARE',
  'FAMILY_SERVICES',
  'ADULT_SOCIAL_WORK',
  'SUBSTANCE_ABUSE',
  'DISABILITY_SERVICES',
  'OLDER_PEOPLE',
  'FAMILY_LAW',
  'EMERGENCY_SOCIAL_SERVICES',
] as const;
export type ServiceTask = (typeof SERVICE_TASKS)[number];

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const calendarDate = z
  .string()
  .refine((v) => DATE_RE.test(v) && new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) === v, 'must be a calendar date written YYYY-MM-DD, e.g. 2024-05-31')
  .refine((v) => v >= '1900-01-01', 'must be 1900-01-01 or later');
const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

/** A non-empty list without repeats (the order is kept: an extract's columns follow the permit's order of fields). */
const uniqueList = <T extends string>(values: readonly [T, ...T[]], what: string) =>
  z
    .array(z.enum(values))
    .min(1, `name at least one ${what}`)
    .refine((list) => new Set(list).size === list.length, `name each ${what} once`);

/**
 * A research permit (tutkimuslupa, seed 001) as recorded by the REGISTRAR: who receives the data, for which
 * purpose, which fields of which service tasks over which period, until when. `today` is the Finnish day of the
 * request's clock: a permit that has already expired is not recorded.
 */
export function researchPermitInput(today: string) {
  return z
    .object({
      permitNumber: text(100),
      researcher: text(200),
      researchOrganisation: text(200),
      purpose: text(500),
      fields: uniqueList(RESEARCH_FIELDS, 'field'),
      serviceTasks: uniqueList(SERVICE_TASKS, 'service task'),
      periodFrom: calendarDate,
      periodTo: calendarDate,
      expiresOn: calendarDate.refine((v) => v >= today, `must be today (${today}, a day in Finland) or later: an expired permit gives no data`),
    })
    .superRefine((v, ctx) => {
      if (v.periodTo < v.periodFrom) ctx.addIssue({ code: 'custom', path: ['periodTo'], message: `must not be before periodFrom (${v.periodFrom})` });
    });
}
export type ResearchPermitInput = z.infer<ReturnType<typeof researchPermitInput>>;
