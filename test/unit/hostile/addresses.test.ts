/**
 * Issue 7, defect 2: an address the RFC 5322 grammar refuses is refused with the field named,
 * never read as something else. nodemailer's addressparser reads "john smith@example.com" as
 * the display name "john" and the address "smith@example.com": mail for someone else.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMailbox } from '../../../src/contract/address.js';
import { InvalidMessageError, validateMessage } from '../../../src/contract/validate.js';
import { fuzzParameters, hostileText } from '../../support/hostile/arbitraries.js';

const body = (over: Record<string, unknown>) =>
  JSON.stringify({ channel: 'email', id: 'a-1', from: 's@example.com', to: 'a@example.com', subject: 's', text: 't', ...over });

function reasons(json: string) {
  try {
    validateMessage(json, 'email');
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidMessageError);
    return (error as InvalidMessageError).reasons;
  }
  throw new Error('expected a refusal');
}

describe('mailboxes the grammar refuses (defect 2)', () => {
  it.each([
    ['to', 'john smith@example.com'],
    ['to', ['ok@example.com', 'john smith@example.com']],
    ['cc', 'Ann <ann@example.com> bob@example.com'],
    ['from', 'a@example.com <b@example.com>'],
    ['replyTo', 'John (the boss) <john@example.com>'],
  ])('refuses %s %j, naming the field', (field, value) => {
    const found = reasons(body({ [field]: value }));
    expect(found.map((r) => r.path.split('.')[0])).toEqual([field]);
  });

  it('keeps the forms RFC 5322 allows, unchanged', () => {
    expect(parseMailbox('"Smith, John" <john@example.com>')).toEqual({
      ok: true,
      value: { name: 'Smith, John', address: 'john@example.com' },
    });
    expect(parseMailbox('Mr. J. Smith <john@example.com>')).toEqual({
      ok: true,
      value: { name: 'Mr. J. Smith', address: 'john@example.com' },
    });
    expect(parseMailbox('<john@example.com>')).toEqual({ ok: true, value: { address: 'john@example.com' } });
  });

  it('never delivers to an address the input did not write (property)', () => {
    const local = fc.stringMatching(/^[a-z0-9]{1,8}$/);
    const input = fc.oneof(
      fc.tuple(local, hostileText(6), local).map(([a, mid, b]) => `${a}${mid}${b}@example.com`),
      fc.tuple(hostileText(8), local).map(([name, a]) => `${name} ${a}@example.com`),
      fc.tuple(hostileText(8), local, hostileText(4)).map(([name, a, tail]) => `${name} <${a}@example.com>${tail}`),
    );
    fc.assert(
      fc.property(input, (raw) => {
        const parsed = parseMailbox(raw);
        if (!parsed.ok) return;
        // Accepted: the address must be written in the input as is, alone or inside <>.
        const written = raw.includes('<') ? raw.slice(raw.lastIndexOf('<') + 1, raw.lastIndexOf('>')).trim() : raw.trim();
        expect(parsed.value.address).toBe(written);
      }),
      fuzzParameters(200),
    );
  });
});
