import { isValidPersonalIdentityCode } from '@vartija/db';
import { z } from 'zod';

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const optionalText = (max: number) => text(max).nullish();

const address = z
  .object({
    street: optionalText(200),
    postalCode: z.string().regex(/^\d{5}$/, 'must be five digits, e.g. 00100').nullish(),
    postOffice: optionalText(100),
  })
  .nullish();

const clientFields = {
  firstName: optionalText(100),
  lastName: optionalText(100),
  pseudonym: optionalText(100),
  municipality: optionalText(100),
  address,
  phone: z
    .string()
    .regex(/^\+?[0-9 ()-]{5,20}$/, 'must be a phone number, e.g. +358 40 123 4567')
    .nullish(),
  email: z.string().email('must be an e-mail address').nullish(),
  motherTongue: optionalText(50),
  serviceLanguage: optionalText(50),
  nationality: optionalText(50),
  maritalStatus: optionalText(50),
  addressNonDisclosure: z.boolean().nullish(),
};

export const createClientInput = z
  .object({
    ...clientFields,
    personalIdentityCode: z
      .string()
      .trim()
      .toUpperCase()
      .refine(isValidPersonalIdentityCode, 'is not a valid henkilötunnus (check the date and the check character)')
      .nullish(),
    dateOfBirth: z.string().nullish(),
    unitId: z.string().uuid('must be the id of a unit'),
    startedOn: z.string().nullish(),
  })
  .refine((v) => v.pseudonym || (v.firstName && v.lastName), {
    message: 'give both first and last name, or a pseudonym',
    path: ['lastName'],
  });

export const updateClientInput = z.object(clientFields);

/** GraphQL input → column values; undefined keys are left unchanged by an update. */
export function toClientColumns(input: z.infer<typeof updateClientInput>) {
  const { address: addr, ...rest } = input;
  const columns: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest)) if (value !== undefined) columns[key] = value;
  if (addr !== undefined) {
    columns['streetAddress'] = addr?.street ?? null;
    columns['postalCode'] = addr?.postalCode ?? null;
    columns['postOffice'] = addr?.postOffice ?? null;
  }
  return columns;
}

/** Column → GraphQL field, for naming changed fields in the access log. */
export const FIELD_OF_COLUMN: Record<string, string> = {
  streetAddress: 'address',
  postalCode: 'address',
  postOffice: 'address',
};
