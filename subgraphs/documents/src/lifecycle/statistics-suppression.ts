/**
 * Small-cell suppression of the statistics (issue 13 item 4): no figure may single a person out.
 * A count of 1–4 is shown as "<5" (0 stays "0": nobody is revealed by an empty cell); a sum (care days)
 * is shown only when at least 5 distinct persons contribute to it, else as "..", the symbol official
 * statistics use for a confidential figure ("<5" would misread as fewer than five days). Reports have
 * no totals rows: a total minus the shown cells would give a suppressed cell back; for totals another
 * report gives, shownTable suppresses a second cell (complementary suppression).
 */
export const SUPPRESSION_THRESHOLD = 5;
export const SUPPRESSED_COUNT = `<${SUPPRESSION_THRESHOLD}`;
export const SUPPRESSED_SUM = '..';

/** A count of events or persons as shown. */
export function shownCount(count: number): string {
  if (!Number.isInteger(count) || count < 0) throw new Error(`a count is a whole number >= 0, not ${count}`);
  return count > 0 && count < SUPPRESSION_THRESHOLD ? SUPPRESSED_COUNT : String(count);
}

/** A sum (care days) as shown: only when enough distinct persons contribute to it. */
export function shownSum(sum: number, persons: number): string {
  if (sum === 0 && persons === 0) return '0';
  return persons < SUPPRESSION_THRESHOLD ? SUPPRESSED_SUM : String(sum);
}

/** A computed row: its dimensions, its counts, and a sum with the number of persons contributing to it. */
export interface FigureRow {
  dimensions: readonly string[];
  counts: readonly number[];
  sum?: { value: number; persons: number };
}

/**
 * A report's rows as shown, with complementary (secondary) suppression: exact figures alone would let a
 * suppressed cell be recomputed from a total published elsewhere (the same group of people counted by
 * another report, e.g. the relationships of a service task) minus the shown cells of its group. So in every
 * figure column, the cells of a group — rows sharing the first dimension (the service task, the request
 * kind), or the whole column in a report of one dimension — that hold exactly one suppressed cell get one
 * more: the smallest other cell that is not 0 (the first of equals, in row order), shown as ".." (a
 * confidential figure, which is 5 or more). With no such cell the group's only figure is suppressed already.
 */
export function shownTable(rows: readonly FigureRow[]): string[][] {
  const width = (rows[0]?.counts.length ?? 0) + (rows[0]?.sum ? 1 : 0);
  const shown = rows.map((row) => [...row.counts.map(shownCount), ...(row.sum ? [shownSum(row.sum.value, row.sum.persons)] : [])]);
  const valueOf = (row: FigureRow, column: number) => (column < row.counts.length ? row.counts[column]! : row.sum!.value);
  const groupOf = (row: FigureRow) => (row.dimensions.length > 1 ? row.dimensions[0]! : '');
  for (let column = 0; column < width; column++) {
    const groups = new Map<string, number[]>();
    rows.forEach((row, i) => groups.set(groupOf(row), [...(groups.get(groupOf(row)) ?? []), i]));
    for (const members of groups.values()) {
      const isSuppressed = (i: number) => !/^\d+$/.test(shown[i]![column]!);
      if (members.filter(isSuppressed).length !== 1) continue;
      const candidates = members.filter((i) => !isSuppressed(i) && valueOf(rows[i]!, column) > 0);
      if (candidates.length === 0) continue;
      const next = candidates.reduce((a, b) => (valueOf(rows[b]!, column) < valueOf(rows[a]!, column) ? b : a));
      shown[next]![column] = SUPPRESSED_SUM;
    }
  }
  return rows.map((row, i) => [...row.dimensions, ...shown[i]!]);
}
