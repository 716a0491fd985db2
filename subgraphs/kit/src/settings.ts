import { z } from 'zod';

/**
 * An optional setting that must satisfy `parse` (which throws with a reason): the configuration then names
 * the variable with that reason, and the process refuses to start instead of failing at first use.
 */
export function parsedSetting(parse: (value: string) => unknown) {
  return z
    .string()
    .optional()
    .superRefine((value, ctx) => {
      if (value === undefined) return;
      try {
        parse(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
      }
    });
}

/** A variable an earlier version read: refused when set (`instead` says what to set), never silently ignored. */
export function retiredSetting(instead: string) {
  return z
    .string()
    .optional()
    .superRefine((value, ctx) => {
      if (value !== undefined) ctx.addIssue({ code: 'custom', message: `is no longer read: ${instead}` });
    });
}
