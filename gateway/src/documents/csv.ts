import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { type ApolloServer, HeaderMap } from '@apollo/server';
import { unavailableDependency } from '@vartija/kit';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { GatewayContext } from '../gateway-server';
import { DocumentError } from './route';

/**
 * The CSV downloads (statistics, issue 13; access-log searches, issue 15): one writer and one way of
 * running the API as the caller with access intent EXPORT, so every export is logged as EXPORT.
 */

/**
 * A spreadsheet must never run a cell: text starting with = + - @ (or a tab or carriage return, which
 * some spreadsheets skip before such a character) is prefixed with ' (OWASP: CSV injection).
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  // RFC 4180: a field with a quote, comma or line break is quoted, its quotes doubled.
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** RFC 4180: a header line, then one line per row, CRLF after each. */
export function toCsv(columns: readonly string[], rows: readonly (readonly string[])[]): string {
  return [columns, ...rows].map((cells) => `${cells.map(csvCell).join(',')}\r\n`).join('');
}

export interface CsvExportOptions {
  server: ApolloServer<GatewayContext>;
  /** The gateway's own request context (authentication, rate limit, recorder) with intent EXPORT. */
  context(req: http.IncomingMessage, requestId: string): Promise<GatewayContext>;
}

/** Runs an operation through the gateway as the caller; a GraphQL error becomes the download's HTTP error. */
export type RunAsCaller = <T>(query: string, variables: Record<string, unknown>) => Promise<T>;

export interface CsvTable {
  filename: string;
  columns: readonly string[];
  rows: readonly (readonly string[])[];
}

export interface CsvExport {
  /** What is downloaded, for the errors: "The statistics", "The access-log export". */
  what: string;
  /** Reads the request's parameters (400 with a reason for bad ones) and builds the table through `run`. */
  produce(url: URL, run: RunAsCaller): Promise<CsvTable>;
}

const STATUS_OF: Record<string, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BAD_USER_INPUT: 400,
  RATE_LIMITED: 429,
  PERSISTED_QUERY_NOT_FOUND: 403,
  COST_ESTIMATED_TOO_EXPENSIVE: 400,
  AUDIT_UNAVAILABLE: 503,
  SERVICE_UNAVAILABLE: 503,
};

const HEADERS: Record<string, string> = {
  'cache-control': 'no-store',
  pragma: 'no-cache',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/**
 * `GET` a CSV: the caller is authenticated first, then the export's operations run through this gateway
 * as the caller (same authentication, limits, policy and fail-closed logging) under one request id with
 * access intent EXPORT. The CSV is exactly the GraphQL answers.
 */
export function csvExportHandler(options: CsvExportOptions, exported: CsvExport): (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> {
  return async (req, res) => {
    try {
      await serve(options, exported, req, res);
    } catch (error) {
      sendError(res, asDocumentError(error, exported.what));
    }
  };
}

async function serve(options: CsvExportOptions, exported: CsvExport, req: http.IncomingMessage, res: http.ServerResponse) {
  if ((req.method ?? 'GET').toUpperCase() !== 'GET') {
    res.setHeader('allow', 'GET');
    throw new DocumentError(405, 'METHOD_NOT_ALLOWED', 'Downloads are made with GET.');
  }
  req.resume();
  const url = new URL(req.url ?? '/', 'http://localhost');
  const requestId = randomUUID();
  res.setHeader('x-request-id', requestId);
  // Authentication first: nothing is answered to an unauthenticated caller.
  let pending: GatewayContext | undefined = await options.context(req, requestId);
  const run: RunAsCaller = async <T>(query: string, variables: Record<string, unknown>) => {
    const headers = new HeaderMap();
    headers.set('content-type', 'application/json');
    const response = await options.server.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: 'POST', headers, search: '', body: { query, variables } },
      context: async () => {
        const context = pending ?? (await options.context(req, requestId));
        pending = undefined;
        return context;
      },
    });
    if (response.body.kind !== 'complete') throw new DocumentError(500, 'INTERNAL_SERVER_ERROR', 'unexpected incremental answer');
    const result = JSON.parse(response.body.string) as { data?: T | null; errors?: GraphQLFormattedError[] };
    const [error] = result.errors ?? [];
    if (error) throw fromGraphQL(error, exported.what);
    if (!result.data) throw new DocumentError(500, 'INTERNAL_SERVER_ERROR', 'the API gave no answer');
    return result.data;
  };
  const table = await exported.produce(url, run);
  res.writeHead(200, {
    ...HEADERS,
    'content-type': 'text/csv; charset=utf-8; header=present',
    'content-disposition': `attachment; filename="${table.filename}"`,
  });
  res.end(toCsv(table.columns, table.rows));
}

const couldNot = (what: string) => `${what} could not be produced.`;

function fromGraphQL(error: GraphQLFormattedError, what: string): DocumentError {
  const code = String(error.extensions?.['code'] ?? 'INTERNAL_SERVER_ERROR');
  const status = STATUS_OF[code] ?? 500;
  // The subgraph's reasons name the parameter and the fix, never a person; an internal error says nothing more.
  return new DocumentError(status, code, status === 500 ? couldNot(what) : error.message);
}

function asDocumentError(error: unknown, what: string): DocumentError {
  if (error instanceof DocumentError) return error;
  if (error instanceof GraphQLError) {
    const code = String(error.extensions['code'] ?? 'INTERNAL_SERVER_ERROR');
    const httpStatus = (error.extensions['http'] as { status?: number } | undefined)?.status;
    return new DocumentError(httpStatus ?? STATUS_OF[code] ?? 500, code, STATUS_OF[code] ? error.message : couldNot(what));
  }
  const dependency = unavailableDependency(error, null);
  if (dependency) return new DocumentError(503, 'SERVICE_UNAVAILABLE', `Service unavailable: ${dependency} cannot be reached. Try again in a few seconds.`);
  return new DocumentError(500, 'INTERNAL_SERVER_ERROR', couldNot(what));
}

/** JSON as the rest of the API answers errors; no stack, no personal data. */
function sendError(res: http.ServerResponse, error: DocumentError) {
  if (res.headersSent) return void res.end();
  const headers: Record<string, string> = { ...HEADERS, 'content-type': 'application/json; charset=utf-8' };
  if (error.status === 503) headers['retry-after'] = '5';
  if (error.status === 401) headers['www-authenticate'] = 'Bearer';
  res.writeHead(error.status, headers);
  res.end(JSON.stringify({ errors: [{ message: error.message, extensions: { code: error.code } }] }));
}
