import { isSeeded, openDatabase, readDbConfig, seedDemoWorld } from '@vartija/db';

/** `npm run db:seed`: migrate and load the demo world into an empty database (DATABASE_URL or PGlite). */
async function main() {
  const config = readDbConfig();
  const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.PGLITE_DATA_DIR });
  try {
    await database.migrate();
    if (await isSeeded(database.db)) {
      console.log('The database already holds the demo world; nothing to do.');
      return;
    }
    const summary = await seedDemoWorld(database.db);
    console.log(`Seeded the demo world: ${summary.clients} clients, ${summary.documents} documents.`);
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
