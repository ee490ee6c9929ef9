import { parseCsv } from './csv';

describe('parseCsv', () => {
  it('reads quoted fields with commas, quotes and line breaks, CRLF and a byte order mark', () => {
    const text = '\uFEFFa,b,c\r\n1,"x, y","say ""hi"""\r\n2,"two\nlines",\n\n3,,z';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', 'x, y', 'say "hi"'] },
      { line: 3, fields: ['2', 'two\nlines', ''] },
      { line: 6, fields: ['3', '', 'z'] },
    ]);
  });

  it('names the line of an unterminated quote and of text after a closing quote', () => {
    expect(() => parseCsv('a,b\n1,"open\n2,3', 'f.csv')).toThrow('f.csv:2: quoted field is never closed');
    expect(() => parseCsv('a,b\n1,"x"y', 'f.csv')).toThrow('f.csv:2: text after a closing quote');
  });
});
