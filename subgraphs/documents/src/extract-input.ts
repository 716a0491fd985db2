import { z } from 'zod';

/**
 * Redaction decisions of a client record extract (issue 12 item 4): each names a document, whether it is
 * withheld, and the reason (kept with the decision and listed in the extract).
 */
export const extractRedactionsInput = z
  .array(
    z.object({
      documentId: z.string(),
      withhold: z.boolean(),
      reason: z
        .string()
        .trim()
        .max(1000, 'must be at most 1000 characters')
        // Invisible characters alone (zero-width spaces) state no reason either.
        .refine((v) => v.replace(/[\s\p{Cf}]/gu, '').length > 0, 'must not be empty: a redaction decision states its reason'),
    }),
  )
  .min(1, 'give at least one decision')
  .max(100, 'at most 100 decisions at a time');

export type ExtractRedactionsInput = z.infer<typeof extractRedactionsInput>;
