import { decisionTypeEnum } from '@vartija/db';
import { z } from 'zod';

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

// Small tolerance for clock skew between the caller and the server.
const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;

export const DECISION_TYPES = decisionTypeEnum.enumValues;

/** Ids are checked by the resolver (a malformed id is NOT_FOUND, like an unknown one), not here. */
export const recordDecisionInput = z.object({
  clientId: z.string(),
  unitId: z.string(),
  type: z.enum(DECISION_TYPES, 'must be one of ' + DECISION_TYPES.join(', ')),
  legalAct: text(200),
  legalSection: text(50),
  // z.date also rejects an Invalid Date.
  decidedAt: z
    .date('must be an ISO 8601 instant, e.g. 2024-05-31T12:00:00Z')
    .refine((d) => d.getTime() <= Date.now() + FUTURE_TOLERANCE_MS, 'must not be in the future'),
  content: text(20_000),
});

export type RecordDecisionInput = z.infer<typeof recordDecisionInput>;

/** Decision fields a new decision sets, for the access log. */
export const DECISION_FIELDS = ['content', 'decidedAt', 'legalAct', 'legalSection', 'type'] as const;
