import { SENSITIVE_FIELDS } from '@vartija/kit';
import { createHmac } from 'node:crypto';
import type { ResearchField } from './research-input';
import type { ResearchRow } from './research-store';

/**
 * A client's pseudonym under a permit: HMAC-SHA256 keyed with the permit's own secret key, truncated to 16 hex
 * characters. The same client has the same pseudonym in every extract under the permit (longitudinal research),
 * and unlinkable ones under two permits (different keys); without the key it cannot be traced back to the id.
 */
export function pseudonymOf(pseudonymKey: string, clientId: string): string {
  return createHmac('sha256', Buffer.from(pseudonymKey, 'hex')).update(clientId, 'utf8').digest('hex').slice(0, 16);
}

/** The client data each research field is made of, as the log names it (an API field of Client). */
export const LOGGED_AS: Readonly<Record<ResearchField, string>> = {
  BIRTH_YEAR: 'dateOfBirth',
  MUNICIPALITY: 'municipality',
  MOTHER_TONGUE: 'motherTongue',
  SERVICE_TASK: 'relationships',
  RELATIONSHIP_PERIOD: 'relationships',
  DECISION_TYPES: 'decisions',
  PLACEMENT_KINDS: 'placements',
  CARE_DAYS: 'placements',
};

/** The category of a research field's client data (SENSITIVE_FIELDS; WELFARE when not listed). */
export const categoryOf = (field: ResearchField): string =>
  SENSITIVE_FIELDS.find((s) => s.type === 'Client' && s.field === LOGGED_AS[field])?.category ?? 'WELFARE';

/**
 * Whether the field is withheld for this client: a client with address non-disclosure (turvakielto) has
 * its contact data (category CONTACT: the municipality) protected from everyone who does not serve it,
 * a researcher included — the cell is left empty and the client's EXPORT entry does not name the field.
 */
export const withheld = (field: ResearchField, row: Pick<ResearchRow, 'addressNonDisclosure'>): boolean => row.addressNonDisclosure && categoryOf(field) === 'CONTACT';

/** The extract's columns: the pseudonym, then exactly the permit's fields in their order. */
export const researchColumns = (fields: readonly ResearchField[]): string[] => ['pseudonym', ...fields];

/**
 * One cell: lists are ';'-joined, sorted; periods as months `YYYY-MM–YYYY-MM` clipped to the permit (no exact
 * day anywhere); empty when unknown or withheld.
 */
export function researchValue(field: ResearchField, row: ResearchRow): string {
  if (withheld(field, row)) return '';
  switch (field) {
    case 'BIRTH_YEAR':
      return row.birthYear === null ? '' : String(row.birthYear);
    case 'MUNICIPALITY':
      return row.municipality ?? '';
    case 'MOTHER_TONGUE':
      return row.motherTongue ?? '';
    case 'SERVICE_TASK':
      return row.serviceTasks ?? '';
    case 'RELATIONSHIP_PERIOD':
      return row.periods ?? '';
    case 'DECISION_TYPES':
      return row.decisionTypes ?? '';
    case 'PLACEMENT_KINDS':
      return row.placementKinds ?? '';
    case 'CARE_DAYS':
      return String(row.careDays);
  }
}
