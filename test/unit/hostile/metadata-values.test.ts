/**
 * Found by the hostile-input suite: a metadata number the store cannot keep exactly (beyond
 * 2^53, or below DynamoDB's 1e-130) failed the record or event write after the fact, so the
 * message was retried and redriven without a reason, and the SES event was never stored.
 */
import { describe, expect, it } from 'vitest';
import { InvalidMessageError, validateMessage } from '../../../src/contract/validate.js';
import { headerTagsAndMetadata } from '../../../src/tracking/normalizers/ses-mail.js';

const sms = (metadata: string) => `{"channel":"sms","id":"n-1","to":"+14155552671","body":"hi","metadata":${metadata}}`;

describe('metadata numbers the store cannot keep', () => {
  it.each(['8.1e31', '-9007199254740993', '1e-200'])('a producer sending %s is refused, naming the key', (n) => {
    const error = (() => {
      try {
        validateMessage(sms(`{"amount":${n}}`), 'sms');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(InvalidMessageError);
    expect((error as InvalidMessageError).reasons.map((r) => r.path)).toEqual(['metadata.amount']);
  });

  it('refuses metadata past 10 KiB of JSON (DynamoDB refuses items over 400 KB), naming the field', () => {
    const at = `{"k":"${'x'.repeat(10 * 1024 - 8)}"}`;
    expect(validateMessage(sms(at), 'sms').message.metadata?.['k']).toHaveLength(10 * 1024 - 8);
    const past = `{"k":"${'x'.repeat(10 * 1024 - 7)}"}`;
    expect(() => validateMessage(sms(past), 'sms')).toThrow(/metadata: metadata must be at most 10240 bytes/);
  });

  it('keeps the numbers it can store exactly', () => {
    const { message } = validateMessage(sms('{"a":9007199254740991,"b":0.25,"c":0,"d":-1e-9}'), 'sms');
    expect(message.metadata).toEqual({ a: 9007199254740991, b: 0.25, c: 0, d: -1e-9 });
  });

  it('an SES X-Metadata number the store cannot keep is left in the raw payload, like a non-scalar', () => {
    const { metadata } = headerTagsAndMetadata([{ name: 'X-Metadata', value: '{"big":5e190,"ok":1,"constructor":"c"}' }]);
    expect({ ...metadata }).toEqual({ ok: 1, constructor: 'c' });
  });
});
