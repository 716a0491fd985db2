import { SENSITIVE_FIELDS } from '../generated/sensitive-fields';
import type { SensitiveCategory } from '../sensitive';

/** The sensitive fields of a type in the given categories, from the composed schema. */
export function fieldsOf(type: string, ...categories: SensitiveCategory[]): string[] {
  return SENSITIVE_FIELDS.filter((f) => f.type === type && categories.includes(f.category)).map((f) => f.field);
}

/** Types that carry at least one field of the given categories. */
export function typesWith(...categories: SensitiveCategory[]): string[] {
  return [...new Set(SENSITIVE_FIELDS.filter((f) => categories.includes(f.category)).map((f) => f.type))];
}

export const RESTRICTED_DOCUMENT_TYPES = ['STATEMENT', 'CHILD_WELFARE_NOTIFICATION'] as const;

/** Client fields (GraphQL names) that createClient / updateClient may set; the rest have their own mutations. */
export const WRITABLE_CLIENT_FIELDS: string[] = [
  'firstName',
  'lastName',
  'pseudonym',
  'personalIdentityCode',
  'dateOfBirth',
  'municipality',
  'address',
  'phone',
  'email',
  'motherTongue',
  'serviceLanguage',
  'nationality',
  'maritalStatus',
];
