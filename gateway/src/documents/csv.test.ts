import { csvCell, toCsv } from './csv';

describe('the CSV writer of the exports (RFC 4180, no formula injection)', () => {
  it.each([
    ['CHILD_WELFARE', 'CHILD_WELFARE'],
    ['<5', '<5'],
    ['..', '..'],
    ['Pori, keskusta', '"Pori, keskusta"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\r\nlines', '"two\r\nlines"'],
    ['=1+1', "'=1+1"],
    ['+358', "'+358"],
    ['-2', "'-2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=cmd', "'\t=cmd"],
    ['=HYPERLINK("x","y")', `"'=HYPERLINK(""x"",""y"")"`],
    ['', ''],
  ])('cell %j is written %j', (value, written) => {
    expect(csvCell(value)).toBe(written);
  });

  it('writes a header line and one CRLF-terminated line per row', () => {
    expect(toCsv(['a', 'b'], [['1', 'x,y'], ['<5', '0']])).toBe('a,b\r\n1,"x,y"\r\n<5,0\r\n');
  });
});
