import { shownCount, shownSum, shownTable } from './statistics-suppression';

describe('small-cell suppression', () => {
  it.each([
    [0, '0'],
    [1, '<5'],
    [4, '<5'],
    [5, '5'],
    [1234, '1234'],
  ])('count %i is shown as %s', (count, shown) => {
    expect(shownCount(count)).toBe(shown);
  });

  it('refuses what is not a count', () => {
    expect(() => shownCount(-1)).toThrow();
    expect(() => shownCount(1.5)).toThrow();
  });

  it.each([
    [0, 0, '0'],
    [300, 1, '..'],
    [300, 4, '..'],
    [300, 5, '300'],
  ])('a sum of %i care days from %i persons is shown as %s', (sum, persons, shown) => {
    expect(shownSum(sum, persons)).toBe(shown);
  });
});

describe('complementary suppression (shownTable)', () => {
  const row = (dimensions: string[], counts: number[], sum?: { value: number; persons: number }) => ({ dimensions, counts, ...(sum ? { sum } : {}) });

  it('suppresses the next-smallest cell of a group (same first dimension) holding one small cell', () => {
    expect(
      shownTable([
        row(['CHILD_WELFARE', '7-12', 'Caretown'], [5]),
        row(['CHILD_WELFARE', '7-12', 'Lonelyville'], [1]),
        row(['CHILD_WELFARE', '7-12', 'Probeby'], [5]),
        row(['CHILD_WELFARE', '13-17', 'Probeby'], [9]),
        row(['FAMILY_SERVICES', '25-64', 'Probeby'], [7]),
        row(['FAMILY_SERVICES', '25-64', 'Splitby'], [6]),
      ]),
    ).toEqual([
      // The first of the two smallest (5) in row order.
      ['CHILD_WELFARE', '7-12', 'Caretown', '..'],
      ['CHILD_WELFARE', '7-12', 'Lonelyville', '<5'],
      ['CHILD_WELFARE', '7-12', 'Probeby', '5'],
      ['CHILD_WELFARE', '13-17', 'Probeby', '9'],
      // No small cell in the group: nothing more.
      ['FAMILY_SERVICES', '25-64', 'Probeby', '7'],
      ['FAMILY_SERVICES', '25-64', 'Splitby', '6'],
    ]);
  });

  it('leaves a group with two or more small cells, or nothing else above 0, as it is', () => {
    expect(shownTable([row(['A', 'x'], [1]), row(['A', 'y'], [2]), row(['A', 'z'], [8]), row(['B', 'x'], [3]), row(['B', 'y'], [0])])).toEqual([
      ['A', 'x', '<5'],
      ['A', 'y', '<5'],
      ['A', 'z', '8'],
      ['B', 'x', '<5'],
      ['B', 'y', '0'],
    ]);
  });

  it('groups a report of one dimension by column, every figure column (counts and the sum) on its own', () => {
    expect(
      shownTable([
        row(['FAMILY_CARE'], [3, 6], undefined),
        row(['KINSHIP_CARE'], [12, 0], undefined),
        row(['OPEN_CARE_SUPPORT'], [7, 9], undefined),
      ]),
    ).toEqual([
      ['FAMILY_CARE', '<5', '6'],
      ['KINSHIP_CARE', '12', '0'],
      ['OPEN_CARE_SUPPORT', '..', '9'],
    ]);
    expect(
      shownTable([
        row(['FAMILY_CARE'], [6], { value: 40, persons: 2 }),
        row(['KINSHIP_CARE'], [8], { value: 300, persons: 8 }),
        row(['OPEN_CARE_SUPPORT'], [9], { value: 120, persons: 6 }),
      ]),
    ).toEqual([
      ['FAMILY_CARE', '6', '..'],
      ['KINSHIP_CARE', '8', '300'],
      ['OPEN_CARE_SUPPORT', '9', '..'],
    ]);
  });

  it('shows an empty table as empty', () => {
    expect(shownTable([])).toEqual([]);
  });
});
