/** Finnish calendar days (Europe/Helsinki), as the log and the API count them. */
const helsinkiDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Helsinki', year: 'numeric', month: '2-digit', day: '2-digit' });
const helsinkiHour = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Helsinki', hour: '2-digit', hourCycle: 'h23' });

export function todayInFinland(): string {
  return helsinkiDay.format(new Date());
}

export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** The instant a Finnish day begins (00:00 in Helsinki, +02:00 or +03:00), as an ISO DateTime. */
export function startOfFinnishDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  for (const offsetHours of [2, 3]) {
    const at = new Date(Date.UTC(y, m - 1, d) - offsetHours * 3_600_000);
    if (helsinkiDay.format(at) === day && helsinkiHour.format(at) === '00') return at.toISOString();
  }
  return new Date(Date.UTC(y, m - 1, d)).toISOString();
}

/** [from, to) of the API from two Finnish days, `to` inclusive. */
export function periodOf(from: string, to: string): { from: string | null; to: string | null } {
  return { from: from ? startOfFinnishDay(from) : null, to: to ? startOfFinnishDay(addDays(to, 1)) : null };
}

export const isDay = (value: string | null): value is string => value !== null && /^\d{4}-\d{2}-\d{2}$/.test(value);
