/**
 * Finnish personal identity codes (henkilötunnus): DDMMYYCNNNQ.
 * C is the century sign, NNN the individual number (odd = male, even = female),
 * Q the check character: DDMMYYNNN as an integer, mod 31, looked up in CHECK_CHARACTERS.
 * The seed only makes codes with individual numbers 900–999, the range reserved for test persons,
 * so that no generated code can belong to a real person.
 */

export const CHECK_CHARACTERS = '0123456789ABCDEFHJKLMNPRSTUVWXY';

export const TEST_INDIVIDUAL_NUMBER_MIN = 900;
export const TEST_INDIVIDUAL_NUMBER_MAX = 999;

// Since 2023 the 1900s and 2000s have extra signs besides '-' and 'A' (more codes per birth date).
const CENTURY_BY_SIGN: Readonly<Record<string, number>> = {
  '+': 1800,
  '-': 1900,
  Y: 1900,
  X: 1900,
  W: 1900,
  V: 1900,
  U: 1900,
  A: 2000,
  B: 2000,
  C: 2000,
  D: 2000,
  E: 2000,
  F: 2000,
};

const CODE_PATTERN = /^(\d{2})(\d{2})(\d{2})([+\-YXWVUABCDEF])(\d{3})([0-9A-Y])$/;
const ISO_DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})/;

export interface ParsedPersonalIdentityCode {
  /** YYYY-MM-DD */
  dateOfBirth: string;
  individualNumber: number;
  sex: 'female' | 'male';
  /** Individual number 900–999: a code for test persons. */
  isTestPerson: boolean;
}

/** The check character for a birth date part (DDMMYY) and a three-digit individual number. */
export function checkCharacter(ddmmyy: string, individualNumber: string): string {
  const remainder = Number(`${ddmmyy}${individualNumber}`) % 31;
  const character = CHECK_CHARACTERS[remainder];
  if (character === undefined) throw new Error(`No check character for remainder ${remainder}`);
  return character;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** Splits a date into UTC year, month, day; strings must start with YYYY-MM-DD. */
function dateParts(dateOfBirth: Date | string): { year: number; month: number; day: number } {
  if (dateOfBirth instanceof Date) {
    if (Number.isNaN(dateOfBirth.getTime())) throw new RangeError('Invalid date of birth');
    return {
      year: dateOfBirth.getUTCFullYear(),
      month: dateOfBirth.getUTCMonth() + 1,
      day: dateOfBirth.getUTCDate(),
    };
  }
  const match = ISO_DATE_PATTERN.exec(dateOfBirth);
  if (!match) throw new RangeError(`Date of birth must be YYYY-MM-DD, got "${dateOfBirth}"`);
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new RangeError(`Date of birth "${dateOfBirth}" is not a calendar date`);
  }
  return { year, month, day };
}

/**
 * A synthetic identity code for a test person. The individual number must be 900–999;
 * odd numbers are men, even numbers women. Uses the classic century signs (+, -, A).
 */
export function makePersonalIdentityCode(dateOfBirth: Date | string, individualNumber: number): string {
  if (
    !Number.isInteger(individualNumber) ||
    individualNumber < TEST_INDIVIDUAL_NUMBER_MIN ||
    individualNumber > TEST_INDIVIDUAL_NUMBER_MAX
  ) {
    throw new RangeError(
      `Individual number must be an integer ${TEST_INDIVIDUAL_NUMBER_MIN}–${TEST_INDIVIDUAL_NUMBER_MAX} (test persons), got ${individualNumber}`,
    );
  }
  const { year, month, day } = dateParts(dateOfBirth);
  let sign: string;
  if (year >= 1800 && year <= 1899) sign = '+';
  else if (year >= 1900 && year <= 1999) sign = '-';
  else if (year >= 2000 && year <= 2099) sign = 'A';
  else throw new RangeError(`Year of birth must be 1800–2099, got ${year}`);

  const ddmmyy = `${pad(day, 2)}${pad(month, 2)}${pad(year % 100, 2)}`;
  const individual = pad(individualNumber, 3);
  return `${ddmmyy}${sign}${individual}${checkCharacter(ddmmyy, individual)}`;
}

/** Parses a code; null when the format, date, individual number or check character is wrong. */
export function parsePersonalIdentityCode(code: string): ParsedPersonalIdentityCode | null {
  const match = CODE_PATTERN.exec(code);
  if (!match) return null;
  const [, dd = '', mm = '', yy = '', sign = '', individual = '', check = ''] = match;
  const century = CENTURY_BY_SIGN[sign];
  if (century === undefined) return null;

  const year = century + Number(yy);
  const month = Number(mm);
  const day = Number(dd);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;

  const individualNumber = Number(individual);
  // 000 and 001 are never issued.
  if (individualNumber < 2) return null;
  if (checkCharacter(`${dd}${mm}${yy}`, individual) !== check) return null;

  return {
    dateOfBirth: `${pad(year, 4)}-${mm}-${dd}`,
    individualNumber,
    sex: individualNumber % 2 === 1 ? 'male' : 'female',
    isTestPerson: individualNumber >= TEST_INDIVIDUAL_NUMBER_MIN,
  };
}

export function isValidPersonalIdentityCode(code: string): boolean {
  return parsePersonalIdentityCode(code) !== null;
}

/** Valid and in the 900–999 range reserved for test persons. */
export function isTestPersonalIdentityCode(code: string): boolean {
  return parsePersonalIdentityCode(code)?.isTestPerson === true;
}

/** YYYY-MM-DD; throws on an invalid code, so check with isValidPersonalIdentityCode first when unsure. */
export function dateOfBirthFromPersonalIdentityCode(code: string): string {
  const parsed = parsePersonalIdentityCode(code);
  if (!parsed) throw new RangeError(`"${code}" is not a valid personal identity code`);
  return parsed.dateOfBirth;
}
