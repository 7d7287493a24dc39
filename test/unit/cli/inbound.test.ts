import { describe, expect, it } from 'vitest';
import { parseVerdicts } from '../../../src/cli/commands/inbound.js';
import { UsageError } from '../../../src/cli/errors.js';

describe('inbound receive --verdict', () => {
  it('parses name=STATUS pairs, status case-insensitive', () => {
    expect(parseVerdicts(['virus=FAIL', 'spam=gray'])).toEqual({ virus: 'FAIL', spam: 'GRAY' });
    expect(parseVerdicts()).toEqual({});
  });

  it.each(['virus', 'virus=BAD', 'malware=FAIL', '=PASS'])('refuses %s as a usage error', (pair) => {
    expect(() => parseVerdicts([pair])).toThrow(UsageError);
  });
});
