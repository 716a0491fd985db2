import { userInfo } from 'node:os';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { GraphQLError } from 'graphql';

/**
 * The operator commands' shared help and argument handling (npm run token, partner-token, users, db:seed,
 * compose, retention, audit:checkpoint): one help layout, unknown options refused with the usage, and
 * the same exit codes everywhere.
 */
export const EXIT_OK = 0;
/** The command ran and refused or failed: an unknown login or organisation, a broken log, a database error. */
export const EXIT_FAILED = 1;
/** The command line itself is wrong: an unknown option or command, a missing or malformed argument. */
export const EXIT_USAGE = 2;

/** A mistake in the command line: printed with the usage, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A refusal the operator can act on: printed as it is (no stack trace), exit code 1. */
export class CliRefusal extends Error {
  override name = 'CliRefusal';
}

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

export const consoleIo: CliIo = { out: (line) => console.log(line), err: (line) => console.error(line) };

export interface CliHelp {
  /** One line per form, without the `Usage:` label, e.g. `npm run token -- <login> [--ttl <seconds>]`. */
  usage: readonly string[];
  /** What the command is for, a few lines. */
  summary: string;
  commands?: readonly (readonly [string, string])[];
  /** `--help` is added to the end. */
  options?: readonly (readonly [string, string])[];
  environment?: readonly (readonly [string, string])[];
  /** Codes 0, 1 and 2 are always listed; give a text to say what they mean for this command. */
  exitCodes?: Partial<Record<0 | 1 | 2, string>>;
  /** Free text after the tables. */
  notes?: string;
}

const DEFAULT_EXIT_TEXTS: Record<0 | 1 | 2, string> = {
  0: 'done',
  1: 'refused or failed (the message says why)',
  2: 'usage error: unknown option or command, missing or malformed argument',
};

const LINE_WIDTH = 100;

/** Words of `text` in lines of at most `width` characters (a longer word stands alone). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line];
}

/** Two columns: a key that does not fit gets a line of its own, the text wraps under its column. */
function table(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.min(28, Math.max(...rows.map(([k]) => k.length)));
  const indent = ' '.repeat(2 + width + 2);
  return rows.flatMap(([key, text]) => {
    const [first = '', ...rest] = wrap(text, LINE_WIDTH - indent.length);
    const head = key.length > width ? [`  ${key}`, `${indent}${first}`] : [`  ${key.padEnd(width)}  ${first}`];
    return [...head, ...rest.map((line) => `${indent}${line}`)];
  });
}

/** The `--help` text, in the same layout for every command. */
export function helpText(help: CliHelp): string {
  const [first, ...more] = help.usage;
  const lines = [`Usage: ${first}`, ...more.map((u) => `       ${u}`), '', help.summary.trim()];
  if (help.commands?.length) lines.push('', 'Commands:', ...table(help.commands));
  lines.push('', 'Options:', ...table([...(help.options ?? []), ['-h, --help', 'this text']]));
  lines.push('', 'Environment:', ...(help.environment?.length ? table(help.environment) : ['  (none read)']));
  const exits = { ...DEFAULT_EXIT_TEXTS, ...help.exitCodes };
  lines.push('', 'Exit codes:', ...table(([0, 1, 2] as const).map((code) => [String(code), exits[code]] as const)));
  if (help.notes) lines.push('', help.notes.trim());
  return lines.join('\n');
}

type Options = NonNullable<ParseArgsConfig['options']>;
const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;

export interface ParsedCli<O extends Options> {
  help: boolean;
  values: ReturnType<typeof parseArgs<{ options: O & typeof HELP_OPTION; strict: true; allowPositionals: true }>>['values'];
  positionals: string[];
}

/**
 * node:util parseArgs, strict: an unknown option, a missing value or more than `maxPositionals`
 * arguments throw a UsageError carrying the usage text.
 */
export function parseCliArgs<const O extends Options>(argv: readonly string[], options: O, usage: string, maxPositionals = 0): ParsedCli<O> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: { ...options, ...HELP_OPTION }, strict: true, allowPositionals: true });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (!code?.startsWith('ERR_PARSE_ARGS')) throw error;
    // node's advice on positionals that start with '-' does not apply to these commands.
    const reason = (error as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    throw new UsageError(`${reason}.\n\n${usage}`);
  }
  const help = (parsed.values as { help?: boolean }).help === true;
  if (!help && parsed.positionals.length > maxPositionals) {
    const extra = parsed.positionals.slice(maxPositionals).map((p) => `'${p}'`).join(', ');
    throw new UsageError(`Unexpected argument ${extra}.\n\n${usage}`);
  }
  return { help, values: parsed.values as ParsedCli<O>['values'], positionals: parsed.positionals };
}

/** A whole number from an option, or a UsageError naming the option. */
export function integerOption(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`--${flag} must be a whole number from ${min} to ${max} (got '${value}').`);
  }
  return n;
}

/** Who runs a command, for the access log (`cli:<operator>`): --operator, else the OS user. */
export function operatorName(given: string | undefined): string {
  if (given) return given;
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/**
 * Control characters (but line breaks and tabs), DEL, C1 controls, bidirectional overrides and line
 * separators: in a terminal they move the cursor, retitle the window, clear the screen or reorder text.
 */
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `text` with what a terminal would act on written as `\uXXXX`: for anything a command echoes that a person or a file supplied. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The same output, every line made printable (a command's whole output, when it echoes what others wrote). */
export function printableIo(io: CliIo): CliIo {
  return { out: (line) => io.out(printable(line)), err: (line) => io.err(printable(line)) };
}

/**
 * What the operator reads when a command fails: the reason, never a stack trace (set
 * VARTIJA_DEBUG_ERRORS=1 for one). GraphQL errors from the shared services name the field at fault.
 * Reasons quote what was given (a file's keys, an argument): control characters are escaped.
 */
export function describeCliError(error: unknown): string {
  if (error instanceof GraphQLError) {
    const { field, reason, code } = error.extensions as { field?: string; reason?: string; code?: string };
    if (field && reason) return printable(`${field}: ${reason}`);
    return printable(code ? `${code}: ${error.message}` : error.message);
  }
  return printable(error instanceof Error ? error.message : String(error));
}

export function exitCodeOf(error: unknown): number {
  return error instanceof UsageError ? EXIT_USAGE : EXIT_FAILED;
}

/**
 * Runs a command's main function as the process: its exit code, or for a thrown error the reason on
 * stderr and exit code 2 (usage) or 1.
 */
export function runCli(main: (argv: string[], io: CliIo) => Promise<number>, io: CliIo = consoleIo): void {
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      io.err(describeCliError(error));
      if (process.env['VARTIJA_DEBUG_ERRORS'] === '1') console.error(error);
      // Open connections must not keep a failed command alive.
      process.exit(exitCodeOf(error));
    },
  );
}
