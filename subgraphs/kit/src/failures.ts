import { HeaderMap } from '@apollo/server';
import { processLogger } from './observability/request-log';
import { GraphQLError } from 'graphql';

/**
 * Failures of what a service depends on (the database, Redis, another service) are answered closed
 * and clearly: `SERVICE_UNAVAILABLE` (HTTP 503, `Retry-After`) with a reason a person can act on,
 * never a 500 and never a crash.
 */
export type Dependency = 'database' | 'Redis';

/** Seconds a client is asked to wait before trying again (`Retry-After`). */
export const RETRY_AFTER_SECONDS = 5;

/** postgres.js' own codes for a connection that is gone or could not be opened. */
const POSTGRES_CONNECTION_CODES = new Set(['CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT']);
/** SQLSTATEs that mean the server went away or refuses connections: class 08, shutdown, too many connections. */
const POSTGRES_UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300']);
/** Socket errors of a lost or refused connection (Node's codes). */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);
/** ioredis: a command that could not be sent (the server is down, or the client gave up reconnecting). */
const REDIS_ERROR_NAMES = new Set(['MaxRetriesPerRequestError']);
const REDIS_MESSAGES = new Set(['Connection is closed.', "Stream isn't writeable and enableOfflineQueue options is false"]);

/** The error and what it wraps (GraphQL's originalError, drizzle's and others' cause), outermost first. */
function* chain(error: unknown): Generator<Record<string, unknown>> {
  let current: unknown = error;
  for (let depth = 0; depth < 10 && current && typeof current === 'object'; depth++) {
    const e = current as Record<string, unknown>;
    yield e;
    current = e['originalError'] ?? e['cause'];
  }
}

/**
 * Which dependency an error says is unavailable, or null when it is something else (a bug, a
 * constraint, a refusal). A bare socket error names `fallback`: in a service whose only network
 * dependency is its database, that is the database.
 */
export function unavailableDependency(error: unknown, fallback: Dependency | null = 'database'): Dependency | null {
  for (const e of chain(error)) {
    const code = typeof e['code'] === 'string' ? e['code'] : undefined;
    const name = typeof e['name'] === 'string' ? e['name'] : undefined;
    if (name && REDIS_ERROR_NAMES.has(name)) return 'Redis';
    if (typeof e['message'] === 'string' && REDIS_MESSAGES.has(e['message'])) return 'Redis';
    if (code && POSTGRES_CONNECTION_CODES.has(code)) return 'database';
    if (name === 'PostgresError') {
      // FATAL and PANIC end the session: the server shut it down, refused it, or is not accepting connections.
      if (e['severity'] === 'FATAL' || e['severity'] === 'PANIC') return 'database';
      if (code && (code.startsWith('08') || POSTGRES_UNAVAILABLE_STATES.has(code))) return 'database';
    }
    if (code && NETWORK_CODES.has(code)) return fallback;
  }
  return null;
}

const REASONS: Record<Dependency, string> = {
  database: 'the database cannot be reached (connection lost or refused)',
  Redis: 'the shared session and rate-limit store (Redis) cannot be reached',
};

/** SERVICE_UNAVAILABLE: 503 with `Retry-After`, the dependency and a reason a person can act on. */
export function serviceUnavailable(dependency: Dependency | string, reason = REASONS[dependency as Dependency] ?? `${dependency} cannot be reached`): GraphQLError {
  // Apollo Server reads error headers as a HeaderMap; other packages' typings of `http` may differ.
  const extensions: Record<string, unknown> = {
    code: 'SERVICE_UNAVAILABLE',
    dependency,
    reason,
    retryAfterSeconds: RETRY_AFTER_SECONDS,
    http: { status: 503, headers: new HeaderMap([['retry-after', String(RETRY_AFTER_SECONDS)]]) },
  };
  return new GraphQLError(`Service unavailable: ${reason}. Try again in a few seconds; if it persists, report it with the request id.`, { extensions });
}

/**
 * A failure of a dependency as SERVICE_UNAVAILABLE; any other error unchanged. For code that talks
 * to a dependency outside a resolver (a request's context, a plugin), where Apollo Server would
 * otherwise answer 500.
 */
export function asServiceUnavailable(error: unknown, fallback: Dependency | null = 'database'): unknown {
  if (error instanceof GraphQLError && error.extensions['code'] !== undefined && error.extensions['code'] !== 'INTERNAL_SERVER_ERROR') return error;
  const dependency = unavailableDependency(error, fallback);
  return dependency ? serviceUnavailable(dependency) : error;
}

/**
 * What the server log may say about an unexpected error: its class, code (SQLSTATE, socket error)
 * and stack frames. Never the message: database errors quote the values (personal data) that caused them.
 */
export function errorSummary(error: unknown): { name?: string; code?: string; frames: string } {
  let root: unknown = error;
  for (const e of chain(error)) root = e;
  const e = root as { name?: unknown; code?: unknown; stack?: unknown } | undefined;
  const stack = typeof e?.stack === 'string' ? e.stack : '';
  return {
    ...(typeof e?.name === 'string' ? { name: e.name } : {}),
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
    frames: stack.split('\n').filter((l) => l.trim().startsWith('at ')).slice(0, 5).join(' | '),
  };
}

export interface ProcessGuardCounts {
  uncaughtExceptions: number;
  unhandledRejections: number;
}

let guards: ProcessGuardCounts | undefined;

/**
 * The process-level net under every service: an unhandled rejection or an uncaught exception is
 * logged (class, code and frames only) and counted. A lost connection (a socket reset, a database or
 * Redis gone) never stops the process: the connection is gone, nothing else is, and the next request
 * reconnects. Any other uncaught exception leaves the process in an unknown state, so it exits (1) for
 * its supervisor to restart it. Installed once per process; returns the counts.
 */
export function installProcessGuards(service: string): ProcessGuardCounts {
  if (guards) return guards;
  const counts: ProcessGuardCounts = { uncaughtExceptions: 0, unhandledRejections: 0 };
  guards = counts;
  process.on('unhandledRejection', (reason) => {
    counts.unhandledRejections += 1;
    processLogger().error({ service, ...errorSummary(reason) }, 'unhandled rejection (kept running)');
  });
  process.on('uncaughtException', (error) => {
    counts.uncaughtExceptions += 1;
    const connectionLost = unavailableDependency(error, 'database') !== null;
    const entry = { service, ...errorSummary(error) };
    if (connectionLost) processLogger().error(entry, 'uncaught connection error (kept running)');
    else processLogger().fatal(entry, 'uncaught exception: exiting');
    if (!connectionLost) process.exit(1);
  });
  return counts;
}
