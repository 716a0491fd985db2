import { documentTypeEnum } from '@vartija/db';
import { z } from 'zod';

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

export const DOCUMENT_TYPES = documentTypeEnum.enumValues;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

/** Restricted types (DESIGN.md §1): a statement, and a notification that names its reporter. */
export const RESTRICTED_TYPES: readonly DocumentType[] = ['STATEMENT', 'CHILD_WELFARE_NOTIFICATION'];
export const isRestrictedType = (type: DocumentType) => RESTRICTED_TYPES.includes(type);

const content = { title: text(200), body: text(100_000) };

/** Ids are checked by the resolver (a malformed id is NOT_FOUND, like an unknown one), not here. */
export const recordDocumentInput = z.object({
  clientId: z.string(),
  unitId: z.string(),
  type: z.enum(DOCUMENT_TYPES, 'must be one of ' + DOCUMENT_TYPES.join(', ')),
  ...content,
});

export const correctDocumentInput = z.object({
  ...content,
  // Kept with the revision and shown to later readers, so it must say something.
  reason: text(1_000),
});

export const expectedRevision = z.number().int().min(1, 'must be a revision number, 1 or more');

/** Fields a correction changes, for the access log: the revision list always grows. */
export function correctedFields(current: { title: string; body: string }, next: { title: string; body: string }): string[] {
  const fields = ['revisions'];
  if (current.title !== next.title) fields.push('title');
  if (current.body !== next.body) fields.push('body');
  return fields.sort();
}
