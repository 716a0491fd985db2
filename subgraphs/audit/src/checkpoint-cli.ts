import { migratesOnStart, openDatabase, readDbConfig, databaseOptions } from '@vartija/db';
import { type CliIo, consoleIo, EXIT_FAILED, EXIT_OK, generateCheckpointKey, helpText, parseCliArgs, runCli, UsageError } from '@vartija/kit';
import { sql } from 'drizzle-orm';
import { AuditStore } from './audit-store';
import { CheckpointRefused, createCheckpoint, NothingToCheckpoint } from './checkpoint';
import { auditCheckpointsFromEnv } from './checkpoint-config';

export const CHECKPOINT_HELP = helpText({
  usage: ['npm run audit:checkpoint [-- --verify | --generate-key]'],
  summary: `Without an option: signs the access log's chain head with the checkpoint key and stores the
checkpoint in AUDIT_CHECKPOINT_DIR (what the audit service does every AUDIT_CHECKPOINT_INTERVAL_SECONDS).
Reads the log only: any role that may read audit.entries will do, the application role included.`,
  options: [
    ['--verify', "verifies the whole chain, every organisation's entries, against the stored checkpoints (for monitoring)"],
    ['--generate-key', 'prints a new Ed25519 signing key (AUDIT_CHECKPOINT_PRIVATE_JWK) and its public part, for AUDIT_CHECKPOINT_PUBLIC_JWKS after a later rotation; touches nothing'],
  ],
  environment: [
    ['AUDIT_CHECKPOINT_DIR', 'where checkpoints are written and read (default .data/audit-checkpoints; required in production)'],
    ['AUDIT_CHECKPOINT_PRIVATE_JWK', 'the signing key (or AUDIT_CHECKPOINT_KEY_FILE, a file holding it); development: a key file in .data'],
    ['AUDIT_CHECKPOINT_PUBLIC_JWKS', 'further public keys whose checkpoints verify (the keys used before a rotation)'],
    ['AUDIT_RETENTION_YEARS', 'the retention period (default 12): checkpointed entries younger than this must still be in the log'],
    ['DATABASE_URL', 'postgres:// or postgresql:// URL; unset: the embedded database in PGLITE_DATA_DIR (stop npm start first)'],
  ],
  exitCodes: {
    0: 'a checkpoint was signed (or the head had not moved); --verify: the log is intact',
    1: 'no checkpoint was made; --verify: the log is BROKEN; or a configuration or database error',
  },
});

/**
 * Signed checkpoints of the access log from the command line, against DATABASE_URL (or the embedded
 * PGlite in PGLITE_DATA_DIR; stop \`npm start\` first). Reads the log only; any role that may read
 * audit.entries will do, the application role included.
 */
export async function main(argv: string[], io: CliIo = consoleIo): Promise<number> {
  const { help, values } = parseCliArgs(argv, { verify: { type: 'boolean' }, 'generate-key': { type: 'boolean' } }, CHECKPOINT_HELP);
  if (help) {
    io.out(CHECKPOINT_HELP);
    return EXIT_OK;
  }
  if (values.verify && values['generate-key']) throw new UsageError(`--verify and --generate-key are separate commands.\n\n${CHECKPOINT_HELP}`);
  if (values['generate-key']) {
    const privateJwk = await generateCheckpointKey(`audit-checkpoint-${new Date().toISOString().slice(0, 10)}`);
    const { d: _d, ...publicJwk } = privateJwk;
    io.out(`AUDIT_CHECKPOINT_PRIVATE_JWK='${JSON.stringify(privateJwk)}'`);
    io.out(`# public part (keep it in AUDIT_CHECKPOINT_PUBLIC_JWKS when the key is later replaced):`);
    io.out(`# ${JSON.stringify(publicJwk)}`);
    return EXIT_OK;
  }
  const checkpoints = await auditCheckpointsFromEnv();
  const dbConfig = readDbConfig();
  const database = await openDatabase(databaseOptions(dbConfig, { poolSize: 1 }));
  try {
    if (migratesOnStart(dbConfig)) await database.migrate();
    if (values.verify) {
      const result = await new AuditStore(database.db, () => sql`true`).verifyChain({}, undefined, checkpoints);
      const anchor = result.checkpoint
        ? `newest checkpoint: entry ${result.checkpoint.seq}, signed ${result.checkpoint.at.toISOString()} (${result.checkpoint.verified ? 'matches' : 'does not match'})`
        : 'no checkpoint yet';
      io.out(
        result.ok
          ? `The access log is intact: ${result.checkedEntries} entries checked, ${result.checkpointsChecked} checkpoints matched; ${anchor}.`
          : `The access log is BROKEN: ${result.reason} (${anchor}; ${result.invalidCheckpoints} untrusted checkpoint files).`,
      );
      return result.ok ? EXIT_OK : EXIT_FAILED;
    }
    const { checkpoint, created } = await createCheckpoint(database.db, checkpoints);
    io.out(
      created
        ? `Signed a checkpoint of entry ${checkpoint.seq} (hash ${checkpoint.hash}) with key ${checkpoint.keyId}: ` +
            `${checkpoints.store.location}/${checkpoint.name}`
        : `The chain head has not moved since the checkpoint ${checkpoint.name} (entry ${checkpoint.seq}); nothing new to sign.`,
    );
    return EXIT_OK;
  } catch (error) {
    if (error instanceof CheckpointRefused || error instanceof NothingToCheckpoint) {
      io.err(`No checkpoint was made: ${error.message}`);
      return EXIT_FAILED;
    }
    throw error;
  } finally {
    await database.close();
  }
}

if (require.main === module) runCli(main);
