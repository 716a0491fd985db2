import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AuditCheckpoints, DirectoryCheckpointStore, type CheckpointJwk, generateCheckpointKey, parseJwkList } from '@vartija/kit';
import { z } from 'zod';
import { DEFAULT_RETENTION_YEARS } from './retention';

const DATA_DIR = path.join(__dirname, '..', '..', '..', '.data');
/** Where `npm start` and the audit subgraph keep checkpoints in development. */
export const DEV_CHECKPOINT_DIR = path.join(DATA_DIR, 'audit-checkpoints');
/** The development signing key: its own file, apart from the other development keys and from the database. */
export const DEV_CHECKPOINT_KEY_FILE = path.join(DATA_DIR, 'dev-audit-checkpoint-key.json');
export const DEFAULT_CHECKPOINT_INTERVAL_SECONDS = 300;

const jwkJson = z.string().superRefine((value, ctx) => {
  try {
    parseJwkList(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be a JWK or a JWK set as JSON' });
  }
});

export const checkpointConfigSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    /** The directory checkpoints are written to and read from. */
    AUDIT_CHECKPOINT_DIR: z.string().min(1).optional(),
    /** Seconds between checkpoints of the head in the audit subgraph; 0 = only on demand. */
    AUDIT_CHECKPOINT_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(7 * 24 * 3600).default(DEFAULT_CHECKPOINT_INTERVAL_SECONDS),
    /** Private Ed25519 JWK (JSON) that signs checkpoints. */
    AUDIT_CHECKPOINT_PRIVATE_JWK: jwkJson.optional(),
    /** A file holding that JWK (e.g. a mounted secret), instead of the variable. */
    AUDIT_CHECKPOINT_KEY_FILE: z.string().min(1).optional(),
    /** Further public keys (JWK or JWK set) whose checkpoints verify: the keys used before a rotation. */
    AUDIT_CHECKPOINT_PUBLIC_JWKS: jwkJson.optional(),
    /** The retention period: checkpointed entries younger than this may not have been removed. */
    AUDIT_RETENTION_YEARS: z.coerce.number().int().min(1).max(100).default(DEFAULT_RETENTION_YEARS),
  })
  .superRefine((env, ctx) => {
    if (env.AUDIT_CHECKPOINT_PRIVATE_JWK && env.AUDIT_CHECKPOINT_KEY_FILE) {
      ctx.addIssue({ code: 'custom', path: ['AUDIT_CHECKPOINT_KEY_FILE'], message: 'set either AUDIT_CHECKPOINT_PRIVATE_JWK or AUDIT_CHECKPOINT_KEY_FILE, not both' });
    }
    if (env.NODE_ENV === 'production') {
      if (!env.AUDIT_CHECKPOINT_DIR) ctx.addIssue({ code: 'custom', path: ['AUDIT_CHECKPOINT_DIR'], message: 'is required when NODE_ENV=production' });
      if (!env.AUDIT_CHECKPOINT_PRIVATE_JWK && !env.AUDIT_CHECKPOINT_KEY_FILE) {
        ctx.addIssue({ code: 'custom', path: ['AUDIT_CHECKPOINT_PRIVATE_JWK'], message: 'is required when NODE_ENV=production (or AUDIT_CHECKPOINT_KEY_FILE)' });
      }
    }
  });

export type CheckpointConfig = z.infer<typeof checkpointConfigSchema>;

export function readCheckpointConfig(env: NodeJS.ProcessEnv = process.env): CheckpointConfig {
  const parsed = checkpointConfigSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`Invalid audit checkpoint configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

/**
 * The development key, created (mode 600) on first use so that the audit subgraph, `npm start` and
 * `npm run audit:checkpoint` share it, as the other development keys are (gateway/src/dev-keys.ts).
 */
export async function loadOrCreateDevCheckpointKey(file = DEV_CHECKPOINT_KEY_FILE): Promise<CheckpointJwk> {
  if (!existsSync(file)) {
    const jwk = await generateCheckpointKey('dev-audit-checkpoint');
    mkdirSync(path.dirname(file), { recursive: true });
    try {
      writeFileSync(file, JSON.stringify(jwk, null, 2), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Another process created it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return JSON.parse(readFileSync(file, 'utf8')) as CheckpointJwk;
}

/** Checkpoints as configured by the environment (see the README's configuration table). */
export async function auditCheckpointsFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<AuditCheckpoints> {
  const config = readCheckpointConfig(env);
  let signingJwk: CheckpointJwk;
  if (config.AUDIT_CHECKPOINT_PRIVATE_JWK) signingJwk = parseJwkList(config.AUDIT_CHECKPOINT_PRIVATE_JWK)[0]!;
  else if (config.AUDIT_CHECKPOINT_KEY_FILE) signingJwk = JSON.parse(readFileSync(config.AUDIT_CHECKPOINT_KEY_FILE, 'utf8')) as CheckpointJwk;
  else signingJwk = await loadOrCreateDevCheckpointKey();
  return AuditCheckpoints.create({
    store: new DirectoryCheckpointStore(path.resolve(config.AUDIT_CHECKPOINT_DIR ?? DEV_CHECKPOINT_DIR)),
    signingJwk,
    verificationJwks: config.AUDIT_CHECKPOINT_PUBLIC_JWKS ? parseJwkList(config.AUDIT_CHECKPOINT_PUBLIC_JWKS) : [],
    intervalMs: config.AUDIT_CHECKPOINT_INTERVAL_SECONDS * 1000,
    retentionYears: config.AUDIT_RETENTION_YEARS,
  });
}
