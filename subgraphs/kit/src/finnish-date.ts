/**
 * Finnish calendar days (issue 12 review): a date the user gives or sees — "received on", "not in the
 * future", "decided on", "overdue" — is a day in Finland (Europe/Helsinki, UTC+2 / UTC+3 in summer), not
 * a UTC day: between 00:00 and 02:00/03:00 Finnish time the UTC day is still yesterday. This is the one
 * helper for such dates. (The policy clock, kit/src/policy, is not switched here.)
 */
const FINNISH_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Helsinki', year: 'numeric', month: '2-digit', day: '2-digit' });

/** The calendar day (YYYY-MM-DD) in Finland at `instant`. */
export function finnishDateOf(instant: Date): string {
  const parts = FINNISH_DAY.formatToParts(instant);
  const part = (type: 'year' | 'month' | 'day') => parts.find((p) => p.type === type)!.value;
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** Today's calendar day (YYYY-MM-DD) in Finland. */
export const todayInFinland = (): string => finnishDateOf(new Date());
