import { describe, expect, it } from 'vitest';
import { oneLine, printFields, printJsonLine, printTable } from '../../../src/cli/io.js';
import { captureIo } from './capture.js';

describe('CLI output', () => {
  it('aligns table columns and prints "-" for empty cells', () => {
    const io = captureIo('/');
    printTable(io, [{ a: 'x', b: 'long value' }, { a: 'longer', b: undefined }], [
      { header: 'a', value: (r) => r.a },
      { header: 'b', value: (r) => r.b },
    ]);
    expect(io.stdout()).toBe('A       B\nx       long value\nlonger  -\n');
  });

  it('prints one JSON object per line', () => {
    const io = captureIo('/');
    printJsonLine(io, { id: 'a' });
    printJsonLine(io, { id: 'b' });
    expect(io.stdout().trimEnd().split('\n').map((l) => JSON.parse(l))).toEqual([{ id: 'a' }, { id: 'b' }]);
  });

  it('aligns fields and leaves out absent ones', () => {
    const io = captureIo('/');
    printFields(io, [['id', 'x'], ['provider', undefined], ['attempts', '1']]);
    expect(io.stdout()).toBe('id        x\nattempts  1\n');
  });

  it('flattens and cuts free text for table cells', () => {
    expect(oneLine('a\n  b\tc', 10)).toBe('a b c');
    expect(oneLine('x'.repeat(20), 10)).toBe(`${'x'.repeat(9)}…`);
  });
});
