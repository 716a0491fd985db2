import type { Database } from '@vartija/db';

/** true: ready; false or a short reason ('not migrated'): not ready. A check that throws or hangs is not ready. */
export type ReadinessCheck = () => Promise<boolean | string>;
export type ReadinessChecks = Record<string, ReadinessCheck>;

export interface ReadinessReport {
  ready: boolean;
  /** Each dependency: `ok`, or why not (`unavailable`, `not migrated`, `timeout`). */
  checks: Record<string, string>;
}

/** How long one check may take before it counts as not ready: a probe must answer well within its own timeout. */
export const READINESS_CHECK_TIMEOUT_MS = 2_000;

async function run(check: ReadinessCheck, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const result = await Promise.race([check().then((r) => (r === true ? 'ok' : r === false ? 'unavailable' : r)), timeout]);
    return result;
  } catch {
    return 'unavailable';
  } finally {
    clearTimeout(timer);
  }
}

/** Runs every check at once; ready only when each says ok. */
export async function checkReadiness(checks: ReadinessChecks, timeoutMs = READINESS_CHECK_TIMEOUT_MS): Promise<ReadinessReport> {
  const names = Object.keys(checks);
  const results = await Promise.all(names.map((name) => run(checks[name]!, timeoutMs)));
  const report: Record<string, string> = {};
  names.forEach((name, i) => (report[name] = results[i]!));
  return { ready: results.every((r) => r === 'ok'), checks: report };
}

/** The database answers and the newest committed migration is applied. */
export function databaseReadiness(database: Pick<Database, 'ping' | 'migrated'>): ReadinessCheck {
  return async () => {
    if (!(await database.ping())) return 'unavailable';
    return (await database.migrated()) ? true : 'not migrated';
  };
}

/** Redis answers PING. */
export function redisReadiness(redis: { ping(): Promise<string> }): ReadinessCheck {
  return async () => (await redis.ping()) === 'PONG';
}

/** Another service's `/ready` answers 200 (the gateway's subgraphs): `url` is its GraphQL URL or base URL. */
export function serviceReadiness(url: string, timeoutMs = READINESS_CHECK_TIMEOUT_MS): ReadinessCheck {
  const target = new URL('/ready', url).toString();
  return async () => {
    const response = await fetch(target, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return response.status === 200 ? true : response.status === 503 ? 'not ready' : `HTTP ${response.status}`;
  };
}
