import { isMixedScript, MIXED_SCRIPT_REASON, SENSITIVE_CATEGORIES } from '@vartija/kit';
import { z } from 'zod';

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar date YYYY-MM-DD that exists (2024-02-30 does not). */
export const isoDate = z
  .string()
  .refine((v) => DATE_RE.test(v) && new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) === v, 'must be a calendar date written YYYY-MM-DD, e.g. 2024-05-31');

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

/** Why a recorded value is changed: required for corrections (issue 11), kept in the history. */
export const reasonInput = z.string().trim().min(1, 'give the reason for the change (it is kept in the history)').max(1000, 'must be at most 1000 characters');

export const GUARDIAN_KINDS = ['PARENT', 'CUSTODIAN', 'LEGAL_REPRESENTATIVE', 'CONTACT_PERSON', 'RELATIVE'] as const;
export const COMMISSION_KINDS = ['PLACEMENT', 'SUPPORT', 'ASSESSMENT'] as const;
export const PARTNER_SCOPES = ['clients:read', 'services:read', 'documents:read', 'documents:write'] as const;

const address = z
  .object({
    street: text(200).nullish(),
    postalCode: z.string().regex(/^\d{5}$/, 'must be five digits, e.g. 00100').nullish(),
    postOffice: text(100).nullish(),
  })
  .nullish();

const guardianFields = {
  kind: z.enum(GUARDIAN_KINDS, 'must be one of ' + GUARDIAN_KINDS.join(', ')),
  firstName: text(100),
  lastName: text(100),
  hasCustody: z.boolean().nullish(),
  phone: z
    .string()
    .regex(/^\+?[0-9 ()-]{5,20}$/, 'must be a phone number, e.g. +358 40 123 4567')
    .nullish(),
  email: z.string().email('must be an e-mail address').nullish(),
  address,
  relation: text(100).nullish(),
};

export const addGuardianInput = z.object(guardianFields);
export const updateGuardianInput = z.object({
  ...guardianFields,
  kind: guardianFields.kind.nullish(),
  firstName: guardianFields.firstName.nullish(),
  lastName: guardianFields.lastName.nullish(),
});
export type GuardianInput = z.infer<typeof updateGuardianInput>;

/** The GraphQL field each guardian column belongs to (the log and the policy name fields, not columns). */
const FIELD_OF_GUARDIAN_COLUMN: Record<string, string> = { streetAddress: 'address', postalCode: 'address', postOffice: 'address' };
export const guardianFieldsOf = (columns: readonly string[]) => [...new Set(columns.map((c) => FIELD_OF_GUARDIAN_COLUMN[c] ?? c))].sort();

/** GraphQL input → guardian columns; a key not given is left unchanged (null clears), required names are never cleared. */
export function toGuardianColumns(input: GuardianInput): Record<string, unknown> {
  const { address: addr, ...rest } = input;
  const columns: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest)) if (value !== undefined) columns[key] = value;
  for (const key of ['kind', 'firstName', 'lastName', 'hasCustody'] as const) if (columns[key] === null) delete columns[key];
  if (addr !== undefined) {
    columns['streetAddress'] = addr?.street ?? null;
    columns['postalCode'] = addr?.postalCode ?? null;
    columns['postOffice'] = addr?.postOffice ?? null;
  }
  return columns;
}

export const giveConsentInput = z.object({
  unitId: z.string(),
  recipientOrganisationId: z.string().uuid('must be the id of an organisation').nullish(),
  // One script only: look-alike letters would name another recipient than the one objected to (kit/recipient-name.ts).
  recipientName: text(200).refine((v) => !isMixedScript(v), MIXED_SCRIPT_REASON),
  purpose: text(1000),
  scope: z
    .array(z.enum(SENSITIVE_CATEGORIES, 'must be one of ' + SENSITIVE_CATEGORIES.join(', ')))
    .min(1, 'name at least one category of data consented to, e.g. HEALTH')
    .transform((s) => [...new Set(s)].sort()),
  givenOn: isoDate.nullish(),
});

export const startCommissionInput = z
  .object({
    clientId: z.string(),
    commissionerUnitId: z.string(),
    partnerOrganisationId: z.string(),
    kind: z.enum(COMMISSION_KINDS, 'must be one of ' + COMMISSION_KINDS.join(', ')),
    startsOn: isoDate,
    endsOn: isoDate.nullish(),
    partnerScopes: z
      .array(z.enum(PARTNER_SCOPES, 'must be one of ' + PARTNER_SCOPES.join(', ')))
      .transform((s) => [...new Set(s)].sort()),
  })
  .superRefine((v, ctx) => {
    // ISO dates compare correctly as strings.
    if (v.endsOn && v.endsOn < v.startsOn) ctx.addIssue({ code: 'custom', path: ['endsOn'], message: `must not be before startsOn (${v.startsOn})` });
  });
export type StartCommissionInput = z.infer<typeof startCommissionInput>;
