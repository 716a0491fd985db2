import { GraphQLError } from 'graphql';
import { type CliIo, CliRefusal, describeCliError, printable, printableIo } from './cli-args';

describe('what a command echoes', () => {
  it('escapes what a terminal acts on, keeps line breaks, tabs and ordinary text', () => {
    expect(printable('\u001b]0;owned\u0007\u001b[2J x')).toBe('\\u001b]0;owned\\u0007\\u001b[2J x');
    expect(printable('a\rb\u007f\u009b\u202e\u2066\u2028')).toBe('a\\u000db\\u007f\\u009b\\u202e\\u2066\\u2028');
    expect(printable('line 1\n\tline 2 — Hyvinvointialue ÄÖ')).toBe('line 1\n\tline 2 — Hyvinvointialue ÄÖ');
  });

  it('error messages, plain and GraphQL, are made printable', () => {
    expect(describeCliError(new CliRefusal('No organisation \u001b[31mred'))).toBe('No organisation \\u001b[31mred');
    expect(describeCliError(new GraphQLError('x', { extensions: { field: 'name', reason: 'bad \u0007' } }))).toBe('name: bad \\u0007');
  });

  it('an io made printable escapes every line it passes on', () => {
    const lines: string[] = [];
    const io: CliIo = { out: (l) => void lines.push(`out ${l}`), err: (l) => void lines.push(`err ${l}`) };
    const safe = printableIo(io);
    safe.out('a\u001bb');
    safe.err('c\u0000');
    expect(lines).toEqual(['out a\\u001bb', 'err c\\u0000']);
  });
});
