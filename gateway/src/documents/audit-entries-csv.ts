import type http from 'node:http';
import { type CsvExportOptions, csvExportHandler } from './csv';
import { DocumentError } from './route';

/** Where an access-log search is downloaded as CSV (issue 15): `GET /exports/audit-entries.csv?clientId=…&first=…`. */
export const AUDIT_ENTRIES_CSV_PATH = '/exports/audit-entries.csv';
/** The AuditFilter fields, taken from query parameters of the same names. */
export const AUDIT_FILTER_PARAMETERS = ['clientId', 'actorId', 'unitId', 'category', 'action', 'outcome', 'from', 'to', 'purpose', 'requestId'] as const;
export const AUDIT_CSV_DEFAULT_ROWS = 1000;
export const AUDIT_CSV_MAX_ROWS = 10_000;
/** auditEntries' largest page (kit pagination MAX_PAGE_SIZE): a bigger export is read page by page. */
const PAGE = 100;

/** The columns, in order: AuditEntry's fields as the API names them. */
export const AUDIT_CSV_COLUMNS = [
  'id',
  'at',
  'requestId',
  'operationName',
  'subgraph',
  'actorKind',
  'actorId',
  'actorName',
  'actorRole',
  'organisationId',
  'organisationName',
  'unitId',
  'unitName',
  'clientId',
  'entityType',
  'entityId',
  'action',
  'outcome',
  'intent',
  'fields',
  'categories',
  'purpose',
  'emergency',
  'callerAddress',
  'reason',
] as const;

const QUERY = `query AuditEntriesCsv($filter: AuditFilter, $first: Int, $after: String) {
  auditEntries(filter: $filter, first: $first, after: $after) {
    nodes { ${AUDIT_CSV_COLUMNS.join(' ')} }
    pageInfo { hasNextPage endCursor }
  }
}`;

type Value = string | number | boolean | null | readonly string[];
interface Page {
  auditEntries: { nodes: Record<string, Value>[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

export function isAuditEntriesCsvPath(url: string | undefined): boolean {
  const path = (url ?? '').split('?')[0];
  return path === AUDIT_ENTRIES_CSV_PATH;
}

/** A cell: lists joined with `;` (field and category names hold none), null as empty. */
const cell = (value: Value): string => (value === null ? '' : Array.isArray(value) ? value.join(';') : String(value));

/**
 * `GET /exports/audit-entries.csv?<AuditFilter fields>&first=N` (N ≤ 10 000, default 1000): the auditor's
 * `auditEntries` search run through this gateway as the caller with access intent EXPORT — newest first,
 * page after page of 100 under one request id, so each page's query is logged as EXPORT. The rows are
 * exactly the GraphQL answer's nodes.
 */
export function auditEntriesCsvHandler(options: CsvExportOptions): (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> {
  return csvExportHandler(options, {
    what: 'The access-log export',
    async produce(url, run) {
      const { filter, limit } = parameters(url.searchParams);
      const rows: string[][] = [];
      let after: string | null = null;
      while (rows.length < limit) {
        const page: Page = await run<Page>(QUERY, { filter, first: Math.min(PAGE, limit - rows.length), after });
        for (const node of page.auditEntries.nodes) rows.push(AUDIT_CSV_COLUMNS.map((column) => cell(node[column] ?? null)));
        if (!page.auditEntries.pageInfo.hasNextPage || !page.auditEntries.pageInfo.endCursor) break;
        after = page.auditEntries.pageInfo.endCursor;
      }
      return { filename: 'audit-entries.csv', columns: AUDIT_CSV_COLUMNS, rows };
    },
  });
}

/** The filter and row limit from the query string; an unknown or repeated parameter is refused, not ignored. */
function parameters(params: URLSearchParams): { filter: Record<string, string>; limit: number } {
  const filter: Record<string, string> = {};
  let limit = AUDIT_CSV_DEFAULT_ROWS;
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    if (values.length > 1) throw new DocumentError(400, 'BAD_USER_INPUT', `${key}: give it once`);
    const value = values[0]!;
    if (key === 'first') {
      limit = Number(value);
      if (!/^\d+$/.test(value) || limit < 1 || limit > AUDIT_CSV_MAX_ROWS) {
        throw new DocumentError(400, 'BAD_USER_INPUT', `first: must be a whole number between 1 and ${AUDIT_CSV_MAX_ROWS}`);
      }
    } else if ((AUDIT_FILTER_PARAMETERS as readonly string[]).includes(key)) {
      if (value !== '') filter[key] = value;
    } else {
      throw new DocumentError(400, 'BAD_USER_INPUT', `${key}: unknown parameter; these filter the export: ${[...AUDIT_FILTER_PARAMETERS, 'first'].join(', ')}`);
    }
  }
  return { filter, limit };
}
