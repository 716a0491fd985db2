/** postgres.js and PGlite both expose the SQLSTATE as `code`; drizzle may wrap it in `cause`. */
export function hasSqlState(error: unknown, sqlState: string): boolean {
  for (let e: unknown = error; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === sqlState) return true;
  }
  return false;
}

export function isUniqueViolation(error: unknown): boolean {
  return hasSqlState(error, '23505');
}
