import { describe, expect, it } from 'vitest';
import { oneLine, printable, printableBlock, printFields, printJsonLine, printTable } from '../../../src/cli/io.js';
import { captureIo } from './capture.js';

describe('CLI output', () => {
  it('aligns table columns and prints "-" for empty cells', () => {
    const io = captureIo('/');
    printTable(
      io,
      [
        { a: 'x', b: 'long value' },
        { a: 'longer', b: undefined },
      ],
      [
        { header: 'a', value: (r) => r.a },
        { header: 'b', value: (r) => r.b },
      ],
    );
    expect(io.stdout()).toBe('A       B\nx       long value\nlonger  -\n');
  });

  it('prints one JSON object per line', () => {
    const io = captureIo('/');
    printJsonLine(io, { id: 'a' });
    printJsonLine(io, { id: 'b' });
    expect(
      io
        .stdout()
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([{ id: 'a' }, { id: 'b' }]);
  });

  it('aligns fields and leaves out absent ones', () => {
    const io = captureIo('/');
    printFields(io, [
      ['id', 'x'],
      ['provider', undefined],
      ['attempts', '1'],
    ]);
    expect(io.stdout()).toBe('id        x\nattempts  1\n');
  });

  it('flattens and cuts free text for table cells', () => {
    expect(oneLine('a\n  b\tc', 10)).toBe('a b c');
    expect(oneLine('x'.repeat(20), 10)).toBe(`${'x'.repeat(9)}…`);
  });
});

describe('untrusted text in human output', () => {
  it('escapes control and bidi characters in one-line values', () => {
    expect(printable('evil\r\nX-Injected: yes\u0007\u0000.txt')).toBe('evil\\x0d\\x0aX-Injected: yes\\x07\\x00.txt');
    expect(printable('\u001b[31mred')).toBe('\\x1b[31mred');
    expect(printable('invoice\u202Efdp.exe')).toBe('invoice\\u202efdp.exe');
    expect(printable('Grüße 报告.pdf')).toBe('Grüße 报告.pdf');
  });

  it('keeps line feeds and tabs in a body but escapes the rest', () => {
    expect(printableBlock('line 1\n\tline 2\r\u001b[2J')).toBe('line 1\n\tline 2\\x0d\\x1b[2J');
  });

  it('table cells and field values are printed escaped', () => {
    const io = captureIo('/');
    printTable(io, [{ name: 'a\u001b]0;pwned\u0007' }], [{ header: 'name', value: (r) => r.name }]);
    printFields(io, [['subject', 'hi\rthere']]);
    expect(io.stdout()).toBe('NAME\na\\x1b]0;pwned\\x07\nsubject  hi\\x0dthere\n');
  });
});
