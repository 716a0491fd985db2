import type { z } from 'zod';
import { badInput } from './errors';

/** Validates mutation input; the first problem becomes BAD_USER_INPUT naming the field and the fix. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown, prefix = 'input'): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = [prefix, ...issue.path.map(String)].join('.');
  throw badInput(field, issue.message);
}
