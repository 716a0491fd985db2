import { GraphQLScalarType, Kind } from 'graphql';

/**
 * A scalar argument value that does not parse. The scalar does not throw: a parse error would be a
 * request error without the argument's name (and the gateway reports a subgraph's HTTP 400 as an
 * internal error). The argument guard turns this into BAD_USER_INPUT naming the argument path, before
 * any resolver runs (see argument-guard.ts).
 */
export class InvalidScalarValue {
  constructor(readonly reason: string) {}
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
/** Years the database stores as written (PostgreSQL has no year 0; the register has no use for antiquity). */
const MIN_YEAR = 1800;
const inRange = (value: string) => Number(value.slice(0, 4)) >= MIN_YEAR;
const DATE_REASON = 'must be a calendar date from 1800 on, written YYYY-MM-DD, e.g. 2024-05-31';
const DATE_TIME_REASON = 'must be an ISO 8601 instant from 1800 on, e.g. 2024-05-31T12:00:00Z';

function parseDate(value: unknown): string | InvalidScalarValue {
  if (typeof value === 'string' && DATE_RE.test(value) && inRange(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
    const roundTrip = new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10);
    if (roundTrip === value) return value;
  }
  return new InvalidScalarValue(DATE_REASON);
}

/** Dates travel as strings end to end (drizzle `date` columns are strings), so no time zone can shift them. */
export const DateScalar = new GraphQLScalarType<string | InvalidScalarValue, string>({
  name: 'Date',
  serialize: (value) => (value instanceof Date ? value.toISOString().slice(0, 10) : String(value)),
  parseValue: parseDate,
  parseLiteral: (ast) => parseDate(ast.kind === Kind.STRING ? ast.value : undefined),
});

function parseDateTime(value: unknown): Date | InvalidScalarValue {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) && inRange(value)) {
    const date = new Date(value);
    if (!Number.isNaN(date.getTime())) return date;
  }
  return new InvalidScalarValue(DATE_TIME_REASON);
}

export const DateTimeScalar = new GraphQLScalarType<Date | InvalidScalarValue, string>({
  name: 'DateTime',
  serialize: (value) => (value instanceof Date ? value : new Date(String(value))).toISOString(),
  parseValue: parseDateTime,
  parseLiteral: (ast) => parseDateTime(ast.kind === Kind.STRING ? ast.value : undefined),
});
