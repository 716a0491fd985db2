import {
  checkCharacter,
  dateOfBirthFromPersonalIdentityCode,
  isTestPersonalIdentityCode,
  isValidPersonalIdentityCode,
  makePersonalIdentityCode,
  parsePersonalIdentityCode,
} from './hetu';

// Expected check characters were worked out by hand: DDMMYYNNN mod 31, looked up in
// "0123456789ABCDEFHJKLMNPRSTUVWXY", e.g. 131052308 = 31 × 4227493 + 25 → 'T'.
describe('henkilötunnus', () => {
  describe('checkCharacter', () => {
    it('matches the classic published example', () => {
      expect(checkCharacter('131052', '308')).toBe('T');
    });

    it('maps remainders above 9 past the skipped letters (G, I, O, Q, Z)', () => {
      // 010101900 mod 31 = 23 → 'R'; 311299999 mod 31 = 14 → 'E'; 150614955 mod 31 = 29 → 'X'
      expect(checkCharacter('010101', '900')).toBe('R');
      expect(checkCharacter('311299', '999')).toBe('E');
      expect(checkCharacter('150614', '955')).toBe('X');
    });
  });

  describe('makePersonalIdentityCode', () => {
    it.each([
      ['2001-01-01', 900, '010101A900R'],
      ['1999-12-31', 999, '311299-999E'],
      ['2000-02-29', 902, '290200A902D'],
      ['1950-01-01', 901, '010150-901D'],
      ['2014-06-15', 955, '150614A955X'],
      ['1885-11-28', 998, '281185+9982'],
    ])('%s / %i → %s', (date, individual, expected) => {
      expect(makePersonalIdentityCode(date, individual)).toBe(expected);
    });

    it('takes a Date by its UTC calendar day', () => {
      expect(makePersonalIdentityCode(new Date(Date.UTC(2001, 0, 1, 23, 30)), 900)).toBe('010101A900R');
    });

    it('only makes codes for test persons (individual number 900–999)', () => {
      expect(() => makePersonalIdentityCode('2001-01-01', 308)).toThrow(RangeError);
      expect(() => makePersonalIdentityCode('2001-01-01', 899)).toThrow(/900–999/);
      expect(() => makePersonalIdentityCode('2001-01-01', 1000)).toThrow(RangeError);
      expect(() => makePersonalIdentityCode('2001-01-01', 950.5)).toThrow(RangeError);
    });

    it('rejects dates that do not exist or fall outside 1800–2099', () => {
      expect(() => makePersonalIdentityCode('2001-02-29', 900)).toThrow(/calendar date/);
      expect(() => makePersonalIdentityCode('2001-13-01', 900)).toThrow(RangeError);
      expect(() => makePersonalIdentityCode('1.1.2001', 900)).toThrow(/YYYY-MM-DD/);
      expect(() => makePersonalIdentityCode('2100-01-01', 900)).toThrow(/1800–2099/);
      expect(() => makePersonalIdentityCode(new Date(Number.NaN), 900)).toThrow(RangeError);
    });

    it('round-trips through the parser for every test individual number', () => {
      for (let n = 900; n <= 999; n += 1) {
        const code = makePersonalIdentityCode('2012-03-04', n);
        expect(parsePersonalIdentityCode(code)).toEqual({
          dateOfBirth: '2012-03-04',
          individualNumber: n,
          sex: n % 2 === 1 ? 'male' : 'female',
          isTestPerson: true,
        });
      }
    });
  });

  describe('isValidPersonalIdentityCode', () => {
    it('accepts valid codes, test persons or not', () => {
      expect(isValidPersonalIdentityCode('131052-308T')).toBe(true);
      expect(isValidPersonalIdentityCode('290200A902D')).toBe(true);
      expect(isValidPersonalIdentityCode('281185+9982')).toBe(true);
    });

    it('accepts the century signs introduced in 2023', () => {
      // Same digits, so the same check character as with '-' or 'A'.
      for (const sign of ['Y', 'X', 'W', 'V', 'U']) expect(isValidPersonalIdentityCode(`311299${sign}999E`)).toBe(true);
      for (const sign of ['B', 'C', 'D', 'E', 'F']) expect(isValidPersonalIdentityCode(`010101${sign}900R`)).toBe(true);
    });

    it('rejects a wrong check character', () => {
      expect(isValidPersonalIdentityCode('131052-308U')).toBe(false);
      expect(isValidPersonalIdentityCode('010101A900S')).toBe(false);
    });

    it('rejects impossible dates even with a matching check character', () => {
      // 290201902 mod 31 = 21 → 'N', but 2001 is no leap year; 300200902 mod 31 = 2
      expect(isValidPersonalIdentityCode('290201A902N')).toBe(false);
      expect(isValidPersonalIdentityCode('300200A9022')).toBe(false);
      expect(isValidPersonalIdentityCode('001052-308T')).toBe(false);
    });

    it('rejects individual numbers 000 and 001, which are never issued', () => {
      // 131052000 mod 31 = 27 → 'V'; 131052001 mod 31 = 28 → 'W'
      expect(isValidPersonalIdentityCode('131052-000V')).toBe(false);
      expect(isValidPersonalIdentityCode('131052-001W')).toBe(false);
    });

    it('rejects malformed input', () => {
      for (const code of ['', '131052308T', '131052-308', '131052-308t', '131052 308T', ' 131052-308T', '131052Z308T', '131052-308TT', '131052-308G']) {
        expect(isValidPersonalIdentityCode(code)).toBe(false);
      }
    });
  });

  describe('isTestPersonalIdentityCode', () => {
    it('is true only for valid codes with an individual number 900–999', () => {
      expect(isTestPersonalIdentityCode('010101A900R')).toBe(true);
      expect(isTestPersonalIdentityCode('131052-308T')).toBe(false);
      expect(isTestPersonalIdentityCode('010101A900S')).toBe(false);
    });
  });

  describe('dateOfBirthFromPersonalIdentityCode', () => {
    it('reads the century from the sign', () => {
      expect(dateOfBirthFromPersonalIdentityCode('131052-308T')).toBe('1952-10-13');
      expect(dateOfBirthFromPersonalIdentityCode('281185+9982')).toBe('1885-11-28');
      expect(dateOfBirthFromPersonalIdentityCode('290200A902D')).toBe('2000-02-29');
      expect(dateOfBirthFromPersonalIdentityCode('311299Y999E')).toBe('1999-12-31');
      expect(dateOfBirthFromPersonalIdentityCode('010101F900R')).toBe('2001-01-01');
    });

    it('throws on an invalid code', () => {
      expect(() => dateOfBirthFromPersonalIdentityCode('131052-308U')).toThrow(/not a valid/);
    });
  });
});
