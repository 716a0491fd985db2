import { type Column, inArray, type SQL, type SQLWrapper } from 'drizzle-orm';

/**
 * The length an IN list of `n` values is padded to: exact up to 4, then the next power of two, then a
 * multiple of 256 up to 4,096, then exact (such lists are rare, and padding must never push one past
 * the protocol's 65,535 parameters). A list of 37 ids and one of 60 then share one SQL text, and so one
 * prepared statement and plan per connection (`preparedStatements` in ./client), instead of one per length.
 */
export function paddedLength(n: number): number {
  if (n <= 4) return n;
  if (n <= 256) return 2 ** Math.ceil(Math.log2(n));
  if (n <= 4096) return Math.ceil(n / 256) * 256;
  return n;
}

/**
 * `column IN (values)` with the list padded by repeating its last value (which changes nothing an
 * IN matches): use it instead of drizzle's `inArray` for lists whose length varies from call to call,
 * such as a DataLoader's batch of keys.
 */
export function inList<T>(column: Column | SQLWrapper, values: readonly T[]): SQL {
  if (values.length === 0) return inArray(column, []);
  const padded = [...values];
  const last = values[values.length - 1]!;
  while (padded.length < paddedLength(values.length)) padded.push(last);
  return inArray(column, padded as unknown[]);
}
