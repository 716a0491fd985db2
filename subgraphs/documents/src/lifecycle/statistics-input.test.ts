import type { GraphQLError } from 'graphql';
import { statisticsPeriod } from './statistics-input';

function rejection(run: () => unknown) {
  try {
    run();
  } catch (error) {
    return (error as GraphQLError).extensions;
  }
  throw new Error('expected the period to be rejected');
}

describe('statisticsPeriod: calendar periods only (a month, a quarter, a half-year, a year)', () => {
  it.each([
    ['2026-01-01', '2026-01-31', 'MONTH', 1],
    ['2024-02-01', '2024-02-29', 'MONTH', 1],
    ['2023-02-01', '2023-02-28', 'MONTH', 1],
    ['2026-12-01', '2026-12-31', 'MONTH', 1],
    ['2026-01-01', '2026-03-31', 'QUARTER', 3],
    ['2026-04-01', '2026-06-30', 'QUARTER', 3],
    ['2026-10-01', '2026-12-31', 'QUARTER', 3],
    ['2026-01-01', '2026-06-30', 'HALF_YEAR', 6],
    ['2026-07-01', '2026-12-31', 'HALF_YEAR', 6],
    ['2025-01-01', '2025-12-31', 'YEAR', 12],
  ])('accepts %s..%s (%s)', (from, to, kind, months) => {
    expect(statisticsPeriod(from, to)).toEqual({ from, to, toYear: Number(to.slice(0, 4)), months, kind });
  });

  it.each([
    ['2026-01-02', '2026-01-31', 'from', 'first day of a month, quarter, half-year or year'],
    ['2026-01-01', '2026-01-30', 'to', '2026-01-31 (month), 2026-03-31 (quarter), 2026-06-30 (half-year), 2026-12-31 (year)'],
    ['2025-02-01', '2025-02-29', 'to', 'calendar date'],
    ['2026-03-01', '2026-02-28', 'to', 'not be before from'],
    // Runs of months that are no calendar period: each would let a window grow by a month at a time.
    ['2026-01-01', '2026-02-28', 'to', 'a calendar quarter'],
    ['2026-02-01', '2026-04-30', 'to', 'the calendar period that begins on 2026-02-01: 2026-02-28 (month)'],
    ['2026-04-01', '2026-09-30', 'to', '2026-04-30 (month), 2026-06-30 (quarter)'],
    ['2026-07-01', '2027-06-30', 'to', 'a half-year'],
    ['2016-01-01', '2025-12-31', 'to', 'a calendar year'],
    ['2026-13-01', '2026-12-31', 'from', 'calendar date'],
    ['26-01-01', '2026-12-31', 'from', 'calendar date'],
  ])('%s..%s: %s %s', (from, to, field, reason) => {
    const ext = rejection(() => statisticsPeriod(from, to));
    expect(ext['code']).toBe('BAD_USER_INPUT');
    expect(ext['field']).toBe(field);
    expect(String(ext['reason'])).toContain(reason);
  });
});
