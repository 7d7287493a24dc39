/** Builders shared by the provider tests: messages go through the real contract schema. */
import {
  type EmailMessage,
  type EmailMessageInput,
  emailMessageSchema,
  type SmsMessage,
  type SmsMessageInput,
  smsMessageSchema,
} from '../../../src/contract/message.js';
import type { SendContext } from '../../../src/providers/types.js';

export function email(input: Omit<EmailMessageInput, 'channel' | 'from'> & { from?: EmailMessageInput['from'] }): EmailMessage {
  return emailMessageSchema.parse({ channel: 'email', from: 'Sender <sender@example.com>', ...input });
}

export function sms(input: Omit<SmsMessageInput, 'channel'>): SmsMessage {
  return smsMessageSchema.parse({ channel: 'sms', ...input });
}

export function ctx(overrides: Partial<SendContext> = {}): SendContext {
  return { messageId: 'msg-1', attempt: 1, ignoreUnsupportedFeatures: false, ...overrides };
}

/** A valid 1x1 PNG, base64. */
export const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
export const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/**
 * Decodes RFC 2047 UTF-8 encoded-words (Q and B), joining adjacent words before decoding so
 * a character split across words comes out whole. Independent of the encoder under test.
 */
export function decodeEncodedWords(value: string): string {
  const word = /=\?UTF-8\?([QB])\?([^?]*)\?=/gi;
  let out = '';
  let pending: number[] = [];
  let last = 0;
  const flush = () => {
    if (pending.length) out += Buffer.from(pending).toString('utf8');
    pending = [];
  };
  for (const match of value.matchAll(word)) {
    const between = value.slice(last, match.index);
    if (!(pending.length && /^\s*$/.test(between))) {
      flush();
      out += between;
    }
    const [, enc, text] = match as unknown as [string, string, string];
    if (enc.toUpperCase() === 'B') pending.push(...Buffer.from(text, 'base64'));
    else {
      for (let i = 0; i < text.length; i++) {
        if (text[i] === '_') pending.push(0x20);
        else if (text[i] === '=') {
          pending.push(parseInt(text.slice(i + 1, i + 3), 16));
          i += 2;
        } else pending.push(text.charCodeAt(i));
      }
    }
    last = match.index + match[0].length;
  }
  flush();
  return out + value.slice(last);
}
