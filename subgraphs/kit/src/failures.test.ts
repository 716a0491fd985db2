import { GraphQLError } from 'graphql';
import { configureLogging, createLogger } from './observability/request-log';
import { asServiceUnavailable, errorSummary, serviceUnavailable, unavailableDependency } from './failures';
import { safeError } from './subgraph-server';

/** An error shaped like postgres.js' PostgresError (its message quotes values: never logged or shown). */
function postgresError(code: string, severity = 'ERROR'): Error {
  return Object.assign(new Error('value "010101-999A" violates …'), { name: 'PostgresError', code, severity });
}
const wrapped = (cause: unknown) => Object.assign(new Error('Failed query: select … params: 010101-999A'), { name: 'DrizzleQueryError', cause });

describe('which dependency an error says is down', () => {
  it.each([
    ['a terminated backend (57P01, FATAL)', wrapped(postgresError('57P01', 'FATAL')), 'database'],
    ['a database refusing connections (55000, FATAL)', postgresError('55000', 'FATAL'), 'database'],
    ['a connection exception (08006)', postgresError('08006'), 'database'],
    ["postgres.js' CONNECTION_CLOSED", wrapped(Object.assign(new Error('write CONNECTION_CLOSED'), { code: 'CONNECTION_CLOSED' })), 'database'],
    ['a refused socket under a resolver', new GraphQLError('x', { originalError: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) }), 'database'],
    ['ioredis giving up', Object.assign(new Error('Reached the max retries per request limit'), { name: 'MaxRetriesPerRequestError' }), 'Redis'],
    ['an ioredis command on a closed connection', new Error('Connection is closed.'), 'Redis'],
  ])('%s', (_what, error, dependency) => {
    expect(unavailableDependency(error)).toBe(dependency);
  });

  it.each([
    ['a unique violation', wrapped(postgresError('23505'))],
    ['a bug', new TypeError('x is undefined')],
    ['a refusal', new GraphQLError('no', { extensions: { code: 'FORBIDDEN' } })],
  ])('%s is no outage', (_what, error) => {
    expect(unavailableDependency(error)).toBeNull();
  });

  it('names a bare socket error only where the caller knows what it was talking to', () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    expect(unavailableDependency(reset, null)).toBeNull();
    expect(unavailableDependency(reset, 'Redis')).toBe('Redis');
  });
});

describe('answers', () => {
  it('SERVICE_UNAVAILABLE is a 503 with Retry-After, the dependency and the reason', () => {
    const error = serviceUnavailable('database');
    expect(error.message).toMatch(/^Service unavailable: the database cannot be reached .* Try again in a few seconds/);
    expect(error.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', dependency: 'database', retryAfterSeconds: 5, http: { status: 503 } });
    expect([...(error.extensions['http'] as { headers: Map<string, string> }).headers]).toEqual([['retry-after', '5']]);
  });

  it('a context that cannot reach the database refuses with SERVICE_UNAVAILABLE; a refusal stays a refusal', () => {
    const refusal = new GraphQLError('Token has expired', { extensions: { code: 'UNAUTHENTICATED' } });
    expect(asServiceUnavailable(refusal)).toBe(refusal);
    expect((asServiceUnavailable(wrapped(postgresError('57P01', 'FATAL'))) as GraphQLError).extensions['code']).toBe('SERVICE_UNAVAILABLE');
    const bug = new TypeError('x');
    expect(asServiceUnavailable(bug)).toBe(bug);
  });

  it('safeError answers a lost database at the field path, without the database message, and logs no message', () => {
    // The server log is the process's pino logger (kit/src/observability): capture its lines.
    const lines: string[] = [];
    configureLogging({ logger: createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(line) } }) });
    const log = { mock: { calls: lines } };
    try {
      const original = new GraphQLError('Failed query … 010101-999A', { path: ['client', 'phone'], originalError: wrapped(postgresError('57P01', 'FATAL')) });
      const formatted = safeError({ message: original.message, path: ['client', 'phone'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }, original);
      expect(formatted).toEqual({
        message: expect.stringMatching(/^Service unavailable: the database/),
        path: ['client', 'phone'],
        extensions: { code: 'SERVICE_UNAVAILABLE', dependency: 'database', reason: expect.any(String), retryAfterSeconds: 5 },
      });
      expect(JSON.stringify(log.mock.calls)).not.toContain('010101-999A');
      expect(JSON.stringify(log.mock.calls)).toContain('57P01');
    } finally {
      configureLogging({ logger: createLogger() });
    }
  });

  it('the log summary of an error holds its class, code and frames, never its message', () => {
    const summary = errorSummary(wrapped(postgresError('23505')));
    expect(summary).toMatchObject({ name: 'PostgresError', code: '23505' });
    expect(JSON.stringify(summary)).not.toContain('010101-999A');
  });
});
