import { FIELD_OF_COLUMN } from './client-input';

/** GraphQL field names behind the columns a write set, for the access log. */
export function changedFields(columns: Record<string, unknown>): string[] {
  const fields = Object.keys(columns)
    .filter((c) => c !== 'organisationId')
    .map((c) => FIELD_OF_COLUMN[c] ?? c);
  return [...new Set(fields)].sort();
}
