import { createHmac, randomBytes } from 'node:crypto';
import pino, { type DestinationStream, type Logger } from 'pino';
import { z } from 'zod';
import { parseOperationNames } from './operation-names';

export type { Logger } from 'pino';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * The log level when LOG_LEVEL is not set: `info` in a process, `silent` under tests (NODE_ENV=test,
 * or jest's JEST_WORKER_ID), so that test output stays readable. A test that reads the log passes its
 * own logger.
 */
export function defaultLogLevel(env: NodeJS.ProcessEnv = process.env): LogLevel {
  const configured = env['LOG_LEVEL'];
  if (configured && (LOG_LEVELS as readonly string[]).includes(configured)) return configured as LogLevel;
  return env['NODE_ENV'] === 'test' || env['JEST_WORKER_ID'] !== undefined ? 'silent' : 'info';
}

/**
 * A JSON-lines logger (pino): `time` as ISO 8601, `level` as a word. Every line is written
 * synchronously, so that the lines of a process that exits (a drain, a fatal error) are not lost.
 */
export function createLogger(options: { level?: LogLevel; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? defaultLogLevel(),
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

let root: Logger | undefined;
let pseudonymKey: Buffer = randomBytes(32);

/** The process's logger: the one `configureLogging` set, else one at the default level. */
export function processLogger(): Logger {
  root ??= createLogger();
  return root;
}

/**
 * Sets the process's logger and the key of actor pseudonyms (LOG_PSEUDONYM_KEY). Without a key each
 * process draws a random one: its pseudonyms then match only within that process's lifetime.
 */
export function configureLogging(options: { level?: LogLevel; pseudonymKey?: string | undefined; logger?: Logger }): Logger {
  root = options.logger ?? createLogger(options.level ? { level: options.level } : {});
  if (options.pseudonymKey) pseudonymKey = Buffer.from(options.pseudonymKey, 'utf8');
  pseudonyms.clear();
  return root;
}

/**
 * The actor as the request log names it: an HMAC of its kind and id under the deployment's key,
 * shortened. The same person gets the same pseudonym in every service sharing the key; the log never
 * holds the login, the name or the id itself.
 */
export function actorPseudonym(actor: { kind: string; id: string }, key: Buffer = pseudonymKey): string {
  const name = `${actor.kind}:${actor.id}`;
  if (key !== pseudonymKey) return pseudonymOf(name, key);
  // Each service names the actor once per request: the HMAC is kept per actor (under the process's key).
  let pseudonym = pseudonyms.get(name);
  if (pseudonym === undefined) {
    if (pseudonyms.size >= PSEUDONYMS_KEPT) pseudonyms.clear();
    pseudonyms.set(name, (pseudonym = pseudonymOf(name, key)));
  }
  return pseudonym;
}

const PSEUDONYMS_KEPT = 10_000;
const pseudonyms = new Map<string, string>();
const pseudonymOf = (name: string, key: Buffer) => createHmac('sha256', key).update(name).digest('base64url').slice(0, 22);

/** What the request log, the metrics and the traces read from the environment; shared by every service's config. */
export const observabilityConfigShape = {
  /** Request and error log level (pino); default `info`, `silent` under tests. */
  LOG_LEVEL: z.enum(LOG_LEVELS).optional(),
  /** Key of the actor pseudonyms in the request log (HMAC); every service of a deployment shares it. At least 32 characters. */
  LOG_PSEUDONYM_KEY: z.string().min(32, 'must be at least 32 characters (e.g. openssl rand -base64 32)').optional(),
  /** OpenTelemetry traces: `none` (default) or `console` (spans printed as they end); exporters can be registered in code. */
  OTEL_TRACES: z.enum(['none', 'console']).default('none'),
  /** On SIGTERM: how long in-flight requests may take to finish before the process exits anyway, milliseconds. */
  DRAIN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(25_000),
  /**
   * A port of its own for `/metrics` (Prometheus), reached only by the monitoring network; it is then not
   * served on the service's port. Unset: the gateway serves none in production (its port is public).
   */
  METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  /** The address the metrics port listens on; HOST without it. */
  METRICS_HOST: z.string().min(1).optional(),
  /**
   * Operation names that may appear in metrics, the request log and spans besides the persisted
   * operations' and the console's (comma-separated); any other name is `(unlisted)`.
   */
  KNOWN_OPERATION_NAMES: z
    .string()
    .optional()
    .transform((value, ctx) => {
      try {
        return parseOperationNames(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
};
