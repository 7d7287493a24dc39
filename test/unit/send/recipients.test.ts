import { describe, expect, it } from 'vitest';
import type { EmailMessage } from '../../../src/contract/message.js';
import { validateMessage } from '../../../src/contract/validate.js';
import { recipientKeysOf, withoutRecipients } from '../../../src/send/recipients.js';

const parse = (body: object) => validateMessage(JSON.stringify(body)).message;

describe('recipients', () => {
  it('keys every email recipient once, lower-cased, with IDN domains in ASCII form', () => {
    const m = parse({
      channel: 'email',
      from: 'a@example.com',
      to: ['Ann <Ann@Example.com>', 'rené@bücher.example'],
      cc: 'ann@example.com',
      bcc: ['Zed@example.com'],
      subject: 's',
      text: 't',
    });
    expect(recipientKeysOf(m)).toEqual(['ann@example.com', 'rené@xn--bcher-kva.example', 'zed@example.com']);
  });

  it('keys an SMS by its E.164 number', () => {
    expect(recipientKeysOf(parse({ channel: 'sms', to: '+447911123456', body: 'hi' }))).toEqual(['+447911123456']);
  });

  it('drops skipped recipients from to/cc/bcc and mergeData, and empty lists entirely', () => {
    const m = parse({
      channel: 'email',
      from: 'a@example.com',
      to: ['Ann <ann@example.com>', 'bob@example.com'],
      cc: 'BOB@example.com',
      subject: 's',
      text: 't',
      mergeData: { 'Ann <ann@example.com>': { n: 1 }, 'bob@example.com': { n: 2 } },
    });
    const out = withoutRecipients(m, new Set(['bob@example.com'])) as EmailMessage;
    expect(out.to).toEqual([{ name: 'Ann', address: 'ann@example.com' }]);
    expect(out.cc).toBeUndefined();
    expect(Object.keys(out.mergeData ?? {})).toEqual(['Ann <ann@example.com>']);
    expect(withoutRecipients(m, new Set())).toBe(m);
  });
});
