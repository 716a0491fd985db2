import type http from 'node:http';
import { type CsvExportOptions, csvExportHandler } from './csv';
import { DocumentError } from './route';

/** Where the statistics are downloaded as CSV: `GET /exports/statistics/{report}.csv?from=…&to=…` (issue 13 item 4). */
export const STATISTICS_CSV_PATH = '/exports/statistics/';

/** The reports of `enum StatisticsReport` (documents subgraph SDL); checked here only to answer a clear 400. */
export const STATISTICS_REPORTS = [
  'CLIENTS_BY_SERVICE_TASK_AGE_MUNICIPALITY',
  'RELATIONSHIPS_STARTED_ENDED',
  'DECISIONS_BY_TYPE',
  'PLACEMENTS_AND_CARE_DAYS',
  'DATA_SUBJECT_REQUESTS',
] as const;

const QUERY = `query StatisticsCsv($report: StatisticsReport!, $from: Date!, $to: Date!) {
  statistics(report: $report, from: $from, to: $to) { report from to columns rows }
}`;

interface StatisticsAnswer {
  statistics: { report: string; from: string; to: string; columns: string[]; rows: string[][] };
}

export type StatisticsCsvOptions = CsvExportOptions;

export function isStatisticsCsvPath(url: string | undefined): boolean {
  return (url ?? '').startsWith(STATISTICS_CSV_PATH);
}

/**
 * `GET /exports/statistics/{report}.csv?from=YYYY-MM-DD&to=YYYY-MM-DD`: the `statistics` query run through
 * this gateway as the caller with access intent EXPORT, so the subgraph logs the report as EXPORT. The CSV
 * is exactly the GraphQL answer.
 */
export function statisticsCsvHandler(options: StatisticsCsvOptions): (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> {
  return csvExportHandler(options, {
    what: 'The statistics',
    async produce(url, run) {
      const name = url.pathname.slice(STATISTICS_CSV_PATH.length);
      const report = name.endsWith('.csv') ? name.slice(0, -'.csv'.length) : '';
      if (!(STATISTICS_REPORTS as readonly string[]).includes(report)) {
        throw new DocumentError(400, 'BAD_USER_INPUT', `report: unknown; these are served: ${STATISTICS_REPORTS.map((r) => `${STATISTICS_CSV_PATH}${r}.csv`).join(', ')}`);
      }
      const from = url.searchParams.get('from');
      const to = url.searchParams.get('to');
      if (!from) throw new DocumentError(400, 'BAD_USER_INPUT', 'from: required, the first day of a month (YYYY-MM-DD), e.g. ?from=2026-01-01&to=2026-06-30');
      if (!to) throw new DocumentError(400, 'BAD_USER_INPUT', 'to: required, the last day of a month (YYYY-MM-DD), e.g. ?from=2026-01-01&to=2026-06-30');
      const { statistics: table } = await run<StatisticsAnswer>(QUERY, { report, from, to });
      return { filename: `statistics-${table.report}-${table.from}-${table.to}.csv`, columns: table.columns, rows: table.rows };
    },
  });
}
