import { buildDemoLogHistory, helsinkiTime, LOG_HISTORY_DAYS } from './demo-log-history';
import { buildDemoWorld } from './demo-world';

const NOW = new Date('2026-03-18T10:00:00Z');
const LOCAL = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Helsinki', hourCycle: 'h23', weekday: 'short', hour: '2-digit' });
const local = (at: Date) => {
  const parts = Object.fromEntries(LOCAL.formatToParts(at).map((p) => [p.type, p.value]));
  return { weekday: parts['weekday']!, hour: Number(parts['hour']) };
};

describe('demo log history', () => {
  const { entries, anomalies } = buildDemoLogHistory(buildDemoWorld(NOW), NOW);

  it('is the same for the same now', () => {
    expect(buildDemoLogHistory(buildDemoWorld(NOW), NOW).entries).toEqual(entries);
  });

  it('spans the weeks before now, in time order, and ends before it', () => {
    expect(entries.length).toBeGreaterThan(1000);
    expect(entries.at(-1)!.at.getTime()).toBeLessThan(NOW.getTime());
    expect(entries[0]!.at.getTime()).toBeGreaterThanOrEqual(NOW.getTime() - (LOG_HISTORY_DAYS + 1) * 86_400_000);
    for (let i = 1; i < entries.length; i += 1) expect(entries[i]!.at.getTime()).toBeGreaterThanOrEqual(entries[i - 1]!.at.getTime());
  });

  it("keeps people's ordinary work to weekdays 07–18 Finnish time: only the anomaly is outside", () => {
    const outside = entries.filter((e) => {
      const { weekday, hour } = local(e.at);
      return e.actorKind === 'USER' && (weekday === 'Sat' || weekday === 'Sun' || hour < 7 || hour >= 18);
    });
    expect(new Set(outside.map((e) => e.clientId))).toEqual(new Set(anomalies.outsideWorkingHours.clientIds));
  });

  it('has one emergency access and the refused attempts it names', () => {
    expect(new Set(entries.filter((e) => e.emergency).map((e) => `${e.requestId}|${e.clientId}`)).size).toBe(1);
    expect(entries.filter((e) => e.outcome === 'DENIED')).toHaveLength(anomalies.denied.length);
  });

  it('turns Finnish local time into instants across summer time', () => {
    expect(helsinkiTime('2026-01-15', 8, 0).toISOString()).toBe('2026-01-15T06:00:00.000Z');
    expect(helsinkiTime('2026-07-15', 8, 0).toISOString()).toBe('2026-07-15T05:00:00.000Z');
  });
});
