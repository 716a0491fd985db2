import { badInput, ROLES } from '@vartija/kit';
import { serviceTaskEnum } from '@vartija/db';
import { z } from 'zod';

/** A reason for a correction: required, at most 1000 characters. */
export const reasonInput = z.string().trim().min(1, 'give the reason for the change').max(1000, 'must be at most 1000 characters');

const login = z
  .string()
  .trim()
  .min(2, 'must be at least 2 characters')
  .max(64, 'must be at most 64 characters')
  .regex(/^[a-z0-9][a-z0-9._-]*$/, "use lowercase letters, digits, '.', '-' and '_', starting with a letter or digit");
const displayName = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');
const externalSubject = z.string().trim().min(1, 'must not be empty (use null to remove the mapping)').max(255, 'must be at most 255 characters');

export const createUserInput = z.object({ login, displayName, externalSubject: externalSubject.nullish() });
export type CreateUserValues = z.infer<typeof createUserInput>;

export const updateUserInput = z.object({
  displayName: displayName.optional(),
  externalSubject: externalSubject.nullable().optional(),
  active: z.boolean().optional(),
});
export type UpdateUserValues = z.infer<typeof updateUserInput>;

/** A DateTime argument (a Date from the GraphQL scalar) or, from the CLI, an ISO date or instant. */
const instant = z.union([z.date(), z.string()]).transform((value, ctx) => {
  const date = value instanceof Date ? value : new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(date.getTime())) {
    ctx.addIssue({ code: 'custom', message: 'must be an ISO 8601 date or instant, e.g. 2025-06-30 or 2025-06-30T16:00:00Z' });
    return z.NEVER;
  }
  return date;
});

export const grantRoleInput = z.object({
  userId: z.string().uuid('must be the id of a user'),
  role: z.enum(ROLES, { message: `must be one of ${ROLES.join(', ')}` }),
  unitId: z.string().uuid('must be the id of a unit').nullish(),
  validFrom: instant.nullish(),
  validUntil: instant.nullish(),
});
export type GrantRoleValues = z.infer<typeof grantRoleInput>;

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
export const recordCommitmentInput = z.object({
  userId: z.string().uuid('must be the id of a user'),
  signedOn: z
    .string()
    .regex(DATE_RE, 'must be a date written YYYY-MM-DD')
    .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), 'must be a calendar date'),
  documentReference: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters').nullish(),
});
export type RecordCommitmentValues = z.infer<typeof recordCommitmentInput>;

const unitName = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');
const serviceTask = z.enum(serviceTaskEnum.enumValues, { message: `must be one of ${serviceTaskEnum.enumValues.join(', ')}` });
const visibilityWindowMonths = z.number().int('must be a whole number of months').min(0, 'must be 0 or more').max(120, 'must be at most 120 (ten years)');

export const createUnitInput = z.object({
  code: z
    .string()
    .trim()
    .min(2, 'must be at least 2 characters')
    .max(64, 'must be at most 64 characters')
    .regex(/^[a-z0-9][a-z0-9-]*$/, "use lowercase letters, digits and '-', starting with a letter or digit"),
  name: unitName,
  serviceTask,
  visibilityWindowMonths: visibilityWindowMonths.nullish(),
});
export type CreateUnitValues = z.infer<typeof createUnitInput>;

export const updateUnitInput = z.object({
  name: unitName.optional(),
  serviceTask: serviceTask.optional(),
  visibilityWindowMonths: visibilityWindowMonths.optional(),
});
export type UpdateUnitValues = z.infer<typeof updateUnitInput>;

/** Drops the fields given as null where null means "leave as is" (a non-nullable column). */
export function withoutNulls<T extends Record<string, unknown>>(values: T, nullable: readonly string[] = []): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([k, v]) => v !== undefined && (v !== null || nullable.includes(k)))) as Partial<T>;
}

/** Validates a mutation's arguments; the first problem becomes BAD_USER_INPUT naming the argument. */
export function parseArgs<T extends z.ZodType>(schema: T, args: unknown): z.infer<T> {
  const parsed = schema.safeParse(args);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw badInput(issue.path.map(String).join('.') || 'arguments', issue.message);
}
