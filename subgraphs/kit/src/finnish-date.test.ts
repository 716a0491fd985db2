import { finnishDateOf, todayInFinland } from './finnish-date';

describe('finnishDateOf', () => {
  it.each([
    // Winter (UTC+2): Finnish midnight is 22:00 UTC the day before.
    ['2026-12-01T21:59:59Z', '2026-12-01'],
    ['2026-12-01T22:00:00Z', '2026-12-02'],
    ['2026-12-01T22:30:00Z', '2026-12-02'],
    ['2026-12-31T22:00:00Z', '2027-01-01'],
    // Summer (UTC+3): Finnish midnight is 21:00 UTC the day before.
    ['2026-06-30T20:59:59Z', '2026-06-30'],
    ['2026-06-30T21:00:00Z', '2026-07-01'],
    // Around the changes of time (last Sunday of March / October, 01:00 UTC).
    ['2026-03-28T22:30:00Z', '2026-03-29'],
    ['2026-03-29T21:30:00Z', '2026-03-30'],
    ['2026-10-24T21:30:00Z', '2026-10-25'],
    ['2026-10-25T21:30:00Z', '2026-10-25'],
    ['2026-10-25T22:00:00Z', '2026-10-26'],
    // Leap day.
    ['2028-02-28T22:00:00Z', '2028-02-29'],
    ['2026-12-02T10:00:00Z', '2026-12-02'],
  ])('%s is %s in Finland', (instant, day) => {
    expect(finnishDateOf(new Date(instant))).toBe(day);
  });

  it('todayInFinland is the Finnish day of now', () => {
    const before = finnishDateOf(new Date());
    const today = todayInFinland();
    const after = finnishDateOf(new Date());
    expect([before, after]).toContain(today);
    expect(today).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});
