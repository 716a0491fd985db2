import { isMixedScript, normaliseRecipientName, sameRecipientName } from './recipient-name';

describe('normaliseRecipientName', () => {
  it.each([
    ['Nuorisopalvelut Polku', 'nuorisopalvelut polku'],
    ['  Nuorisopalvelut\u00a0Polku  ', 'nuorisopalvelut polku'],
    ['Nuorisopalvelut  \t Polku', 'nuorisopalvelut polku'],
    ['Nuorisopalvelut\u2003Polku\u202f', 'nuorisopalvelut polku'],
    ['Nuoriso\u200bpalvelut Polku', 'nuorisopalvelut polku'],
    ['ＭＡＪＡＫＫＡ ry', 'majakka ry'],
    ['Ääni Öy', 'ääni öy'],
    ['A\u0308a\u0308ni', 'ääni'],
  ])('%j → %j', (name, normalised) => {
    expect(normaliseRecipientName(name)).toBe(normalised);
  });
  it('compares names after normalising', () => {
    expect(sameRecipientName('Majakka\u00a0Ry', ' majakka  ry')).toBe(true);
    expect(sameRecipientName('Majakka ry', 'Majakka oy')).toBe(false);
  });
});

describe('isMixedScript', () => {
  it.each([
    ['Nuorisopalvelut Polku', false],
    ['Ääni ja Åke', false],
    ['Маяк', false],
    ['Νέα Ζωή', false],
    ['Nuоrisopalvelut Polku', true], // Cyrillic о
    ['Polku Α', true], // Greek capital alpha
    ['Majakka 2 ry (sijaishuolto)', false],
  ])('%j → %s', (name, mixed) => {
    expect(isMixedScript(name)).toBe(mixed);
  });
});
