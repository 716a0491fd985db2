import { badInput } from '@vartija/kit';

/** The calendar periods a report may cover, by their length in months. */
export const STATISTICS_PERIOD_MONTHS = { MONTH: 1, QUARTER: 3, HALF_YEAR: 6, YEAR: 12 } as const;
export type StatisticsPeriodKind = keyof typeof STATISTICS_PERIOD_MONTHS;

/** A statistics period: one calendar month, quarter, half-year or year. */
export interface StatisticsPeriod {
  from: string;
  to: string;
  /** The calendar year of `to`: ages are counted at the end of that year. */
  toYear: number;
  months: number;
  kind: StatisticsPeriodKind;
}

const ALLOWED = 'a month, a calendar quarter (January–March, April–June, July–September, October–December), a half-year (January–June, July–December) or a calendar year';
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function parts(value: string, field: string): [number, number, number] {
  const match = DATE_RE.exec(value);
  const [year, month, day] = [Number(match?.[1]), Number(match?.[2]), Number(match?.[3])];
  if (!match || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) {
    throw badInput(field, 'must be a calendar date written YYYY-MM-DD, e.g. 2026-01-01');
  }
  return [year, month, day];
}

/** The number of days in a month (month 1–12). */
function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The calendar periods that begin on the first day of `month` (1–12), with their last days. */
function periodsFrom(year: number, month: number): { kind: StatisticsPeriodKind; to: string }[] {
  return (Object.entries(STATISTICS_PERIOD_MONTHS) as [StatisticsPeriodKind, number][])
    .filter(([, months]) => (month - 1) % months === 0)
    .map(([kind, months]) => {
      const last = month + months - 1;
      return { kind, to: `${pad(year, 4)}-${pad(last)}-${pad(daysIn(year, last))}` };
    });
}

/**
 * The period of a statistics report: only calendar periods (a month, a quarter, a half-year, a year), `from`
 * its first day and `to` its last. The figures are exact, so two overlapping reports differ by exactly the
 * events between them; with arbitrary periods (or arbitrary runs of months) a window could be slid or
 * widened by one month at a time until a suppressed cell is the difference of two shown ones. Calendar
 * periods nest without overlapping, which leaves far fewer such pairs (a quarter against its months remains:
 * see the schema's description of Query.statistics).
 */
export function statisticsPeriod(from: string, to: string): StatisticsPeriod {
  const [fy, fm, fd] = parts(from, 'from');
  const [ty, tm] = parts(to, 'to');
  if (fd !== 1) throw badInput('from', `must be the first day of a month, quarter, half-year or year (e.g. ${from.slice(0, 8)}01): statistics cover ${ALLOWED}`);
  if (ty * 12 + tm < fy * 12 + fm) throw badInput('to', 'must not be before from');
  const allowed = periodsFrom(fy, fm);
  const match = allowed.find((p) => p.to === to);
  if (!match) {
    const choices = allowed.map((p) => `${p.to} (${p.kind.toLowerCase().replace('_', '-')})`).join(', ');
    throw badInput('to', `must be the last day of the calendar period that begins on ${from}: ${choices}. Statistics cover only ${ALLOWED}`);
  }
  return { from, to, toYear: ty, months: STATISTICS_PERIOD_MONTHS[match.kind], kind: match.kind };
}
