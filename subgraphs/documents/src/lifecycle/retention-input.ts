import { RETENTION_RECORD_TYPES, serviceTaskEnum } from '@vartija/db';
import { z } from 'zod';

/** At most this many classes: one per service task × record type pair (9 × 15) fits with room. */
const MAX_CLASSES = 200;

const retentionClassInput = z.object({
  serviceTask: z
    .enum(serviceTaskEnum.enumValues)
    .nullish()
    .transform((v) => v ?? null),
  recordType: z
    .enum(RETENTION_RECORD_TYPES)
    .nullish()
    .transform((v) => v ?? null),
  trigger: z.enum(['RELATIONSHIP_END', 'CLIENT_DEATH']),
  retainMonths: z
    .number()
    .int('must be a whole number of months')
    .min(0, 'must be 0–1800 months')
    .max(1800, 'must be 0–1800 months (150 years)'),
  action: z.enum(['DELETE', 'ANONYMISE']),
  legalSource: z
    .string()
    .trim()
    .min(1, 'name the law, decree or archive formation plan the class follows (e.g. Laki sosiaalihuollon asiakasasiakirjoista 254/2015, liite)')
    .max(500, 'must be at most 500 characters'),
});

/**
 * A retention configuration as given to setRetentionConfiguration: the classes (at most one per service task
 * × record type pair, null meaning every one without a class of its own) and the disposal months.
 */
export const retentionConfigurationInput = z
  .object({
    classes: z.array(retentionClassInput).max(MAX_CLASSES, `at most ${MAX_CLASSES} classes`),
    disposalMonths: z
      .array(z.number().int('must be a month 1–12').min(1, 'must be a month 1–12').max(12, 'must be a month 1–12'))
      .refine((months) => new Set(months).size === months.length, 'name each month once'),
  })
  .superRefine((input, ctx) => {
    const seen = new Map<string, number>();
    input.classes.forEach((c, i) => {
      const key = `${c.serviceTask ?? '*'}/${c.recordType ?? '*'}`;
      const first = seen.get(key);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['classes', i],
          message: `classes.${first} already covers service task ${c.serviceTask ?? 'any'} and record type ${c.recordType ?? 'any'}: one class per pair`,
        });
      }
      seen.set(key, first ?? i);
    });
  })
  .transform((input) => ({ ...input, disposalMonths: [...input.disposalMonths].sort((a, b) => a - b) }));

export type RetentionConfigurationInput = z.infer<typeof retentionConfigurationInput>;
export type RetentionClassInput = RetentionConfigurationInput['classes'][number];
