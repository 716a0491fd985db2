/**
 * `npm run bench`: seeds a large deterministic world, runs Vartija's gateway and two baselines side by
 * side under load, profiles the hottest path and writes bench/results/<date>/results.{md,json} and bench/results/latest.{md,json}.
 * Settings: see config.ts (BENCH_* variables, DATABASE_URL). The README's "Benchmarks" section explains.
 */
// Libraries (graphql-js among them) pick their production code paths from NODE_ENV when loaded, so
// set it before anything else is imported; configurations in child processes get it too.
process.env['NODE_ENV'] ??= 'production';

void import('./runner')
  .then(({ main }) => main())
  .catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  });
