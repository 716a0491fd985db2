const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A malformed id names no row: callers answer as for an unknown one instead of failing in SQL. */
export const isUuid = (value: string): boolean => UUID_RE.test(value);
