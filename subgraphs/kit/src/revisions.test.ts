import { changedFields, historyValue } from './revisions';

describe('correction history values', () => {
  it('keeps dates as ISO strings and missing values as null', () => {
    expect(historyValue(new Date('2026-01-02T03:04:05.000Z'))).toBe('2026-01-02T03:04:05.000Z');
    expect(historyValue(undefined)).toBeNull();
    expect(historyValue(['a', new Date('2026-01-01T00:00:00.000Z')])).toEqual(['a', '2026-01-01T00:00:00.000Z']);
  });

  it('finds only the fields a patch changes, in order', () => {
    const current = { phone: '+358 1', municipality: 'Espoo', endsOn: null, decidedAt: new Date('2026-01-01T00:00:00.000Z') };
    expect(changedFields(current, { phone: '+358 1', municipality: 'Vantaa', endsOn: '2026-02-01' })).toEqual(['endsOn', 'municipality']);
    // The same instant given as a string is no change; undefined means "not given", not "clear it".
    expect(changedFields(current, { decidedAt: '2026-01-01T00:00:00.000Z', phone: undefined })).toEqual([]);
    // Clearing a value is a change.
    expect(changedFields(current, { phone: null })).toEqual(['phone']);
  });
});
