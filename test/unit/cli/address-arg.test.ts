import { describe, expect, it } from 'vitest';
import { addressArg } from '../../../src/cli/address-arg.js';
import { UsageError } from '../../../src/cli/errors.js';
import { validateMessage } from '../../../src/contract/validate.js';
import { recipientKeysOf } from '../../../src/send/recipients.js';

describe('addressArg: a command-line recipient keyed as the send path keys it', () => {
  it('gives every spelling of one mailbox the key the send path records', () => {
    // Prepare: the key a message to this mailbox is recorded under
    const { message } = validateMessage(
      JSON.stringify({ channel: 'email', from: 'a@example.com', to: 'Ann <Ann@Bücher.Example>', subject: 's', text: 't' }),
    );
    const [sendKey] = recipientKeysOf(message);
    // Act / Assess
    for (const spelling of ['Ann@Bücher.Example', ' ann@bücher.example ', 'Ann <ANN@BÜCHER.example>', 'ann@xn--bcher-kva.example']) {
      expect(addressArg(spelling, 'x')).toBe(sendKey);
    }
    expect(sendKey).toBe('ann@xn--bcher-kva.example');
  });

  it('keys a phone number in its E.164 form, as the SMS send path does', () => {
    const { message } = validateMessage(JSON.stringify({ channel: 'sms', to: '+14155550100', body: 'hi' }));
    expect(addressArg('+14155550100', 'x')).toBe(recipientKeysOf(message)[0]);
  });

  it('refuses what no message could be sent to, naming the flag', () => {
    expect(() => addressArg('two@example.org, three@example.org', '--recipient')).toThrow(UsageError);
    expect(() => addressArg('+0000', '--recipient')).toThrow(/--recipient: .*not E\.164/);
    expect(() => addressArg('a@b\r\nBcc: c@d', 'address')).toThrow(/address: contains a line break/);
  });
});
