import { z } from 'zod';

const schema = z.object({
  DATABASE_URL: z
    .string()
    .url({ message: 'DATABASE_URL must be a postgres:// URL, e.g. postgres://postgres@127.0.0.1:5432/vartija' })
    .optional(),
  PGLITE_DATA_DIR: z.string().min(1).default('.data/pglite'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
});

export type DbConfig = z.infer<typeof schema>;

export function readDbConfig(env: NodeJS.ProcessEnv = process.env): DbConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid database configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
