import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMailbox } from '../../../src/contract/address.js';
import { recipientKey } from '../../../src/contract/recipient-key.js';

describe('recipientKey', () => {
  it.each([
    ['Recipient@Example.COM', 'recipient@example.com'],
    ['"Jane Doe" <Jane@Example.com>', 'jane@example.com'],
    ['Jane <jane@example.com>', 'jane@example.com'],
    [' jane@bücher.example ', 'jane@xn--bcher-kva.example'],
    ['René@Bücher.Example', 'rené@xn--bcher-kva.example'],
    ['jane@xn--bcher-kva.example', 'jane@xn--bcher-kva.example'],
    ['+12065550100', '+12065550100'],
    [' +12065550100 ', '+12065550100'],
  ])('%j → %s', (input, expected) => {
    expect(recipientKey(input)).toBe(expected);
  });

  it.each([[''], ['   '], ['<>']])('%j has no recipient: empty key', (input) => {
    expect(recipientKey(input)).toBe('');
  });

  it('gives the key of what the send path parses for every spelling tracking reports', () => {
    // The send path keys the parsed mailbox; SES reports the Destination as it was written.
    for (const written of ['Jane@Bücher.Example', '"Jane" <JANE@bücher.example>', ' jane@BÜCHER.example ']) {
      const parsed = parseMailbox(written);
      expect(parsed.ok).toBe(true);
      if (parsed.ok) expect(recipientKey(parsed.value.address)).toBe(recipientKey(written));
    }
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.string(), (raw) => {
        const key = recipientKey(raw);
        expect(recipientKey(key)).toBe(key);
      }),
    );
  });
});
