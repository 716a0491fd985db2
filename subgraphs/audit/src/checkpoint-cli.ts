import { openDatabase, readDbConfig } from '@vartija/db';
import { generateCheckpointKey } from '@vartija/kit';
import { sql } from 'drizzle-orm';
import { AuditStore } from './audit-store';
import { CheckpointRefused, createCheckpoint, NothingToCheckpoint } from './checkpoint';
import { auditCheckpointsFromEnv } from './checkpoint-config';

const USAGE = `Usage: npm run audit:checkpoint [-- --verify | --generate-key]

  (no option)  signs the access log's chain head with the checkpoint key and stores the checkpoint
               in AUDIT_CHECKPOINT_DIR (what the audit service does every AUDIT_CHECKPOINT_INTERVAL_SECONDS)
  --verify     verifies the whole chain, every organisation's entries, against the stored checkpoints;
               exits with 1 when it is broken (for monitoring)
  --generate-key
               prints a new Ed25519 signing key (AUDIT_CHECKPOINT_PRIVATE_JWK) and its public part, for
               AUDIT_CHECKPOINT_PUBLIC_JWKS after a later rotation; touches nothing`;

/**
 * Signed checkpoints of the access log from the command line, against DATABASE_URL (or the embedded
 * PGlite in PGLITE_DATA_DIR; stop \`npm start\` first). Reads the log only; any role that may read
 * audit.entries will do, the application role included.
 */
async function main() {
  const args = process.argv.slice(2);
  if (args.length > 1 || args.some((a) => a !== '--verify' && a !== '--generate-key')) {
    console.error(USAGE);
    process.exit(2);
  }
  if (args[0] === '--generate-key') {
    const privateJwk = await generateCheckpointKey(`audit-checkpoint-${new Date().toISOString().slice(0, 10)}`);
    const { d: _d, ...publicJwk } = privateJwk;
    console.log(`AUDIT_CHECKPOINT_PRIVATE_JWK='${JSON.stringify(privateJwk)}'`);
    console.log(`# public part (keep it in AUDIT_CHECKPOINT_PUBLIC_JWKS when the key is later replaced):`);
    console.log(`# ${JSON.stringify(publicJwk)}`);
    return;
  }
  const checkpoints = await auditCheckpointsFromEnv();
  const dbConfig = readDbConfig();
  const database = await openDatabase({ url: dbConfig.DATABASE_URL, dataDir: dbConfig.PGLITE_DATA_DIR, poolSize: 1 });
  try {
    await database.migrate();
    if (args.includes('--verify')) {
      const result = await new AuditStore(database.db, () => sql`true`).verifyChain({}, undefined, checkpoints);
      const anchor = result.checkpoint
        ? `newest checkpoint: entry ${result.checkpoint.seq}, signed ${result.checkpoint.at.toISOString()} (${result.checkpoint.verified ? 'matches' : 'does not match'})`
        : 'no checkpoint yet';
      console.log(
        result.ok
          ? `The access log is intact: ${result.checkedEntries} entries checked, ${result.checkpointsChecked} checkpoints matched; ${anchor}.`
          : `The access log is BROKEN: ${result.reason} (${anchor}; ${result.invalidCheckpoints} untrusted checkpoint files).`,
      );
      process.exitCode = result.ok ? 0 : 1;
      return;
    }
    const { checkpoint, created } = await createCheckpoint(database.db, checkpoints);
    console.log(
      created
        ? `Signed a checkpoint of entry ${checkpoint.seq} (hash ${checkpoint.hash}) with key ${checkpoint.keyId}: ` +
            `${checkpoints.store.location}/${checkpoint.name}`
        : `The chain head has not moved since the checkpoint ${checkpoint.name} (entry ${checkpoint.seq}); nothing new to sign.`,
    );
  } catch (error) {
    if (error instanceof CheckpointRefused || error instanceof NothingToCheckpoint) {
      console.error(`No checkpoint was made: ${error.message}`);
      process.exitCode = 1;
      return;
    }
    throw error;
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
