/**
 * Pieces every adapter shares (moved out of the SNS adapter): providerOptions checks for
 * either channel, sender ID rules, segment counts on the result, adapter names.
 */

import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import type { SmsMessage } from '../../../src/contract/message.js';
import { PermanentProviderError } from '../../../src/providers/errors.js';
import { providerNameProblem } from '../../../src/providers/names.js';
import { providerOptionUses } from '../../../src/providers/provider-options.js';
import { withSegments } from '../../../src/providers/sms/segments.js';
import { checkSenderId } from '../../../src/providers/sms/sender.js';
import { email, sms } from './support.js';

const shapes = { entityId: z.string().min(1).max(50) };

describe('providerOptionUses', () => {
  it('names unknown keys and invalid values, and drops only that key', () => {
    const message: SmsMessage = sms({ to: '+14155552671', body: 'hi', providerOptions: { entityId: '', templateId: 'x', other: 1 } });
    const uses = providerOptionUses(message, shapes);
    expect(uses.map((u) => u.feature)).toEqual([
      'providerOptions.entityId (invalid value)',
      'providerOptions.templateId (not an option this adapter passes on)',
      'providerOptions.other (not an option this adapter passes on)',
    ]);
    expect(uses[1]!.drop!(message).providerOptions).toEqual({ entityId: '', other: 1 });
  });

  it('works for an email message too', () => {
    const message = email({ to: ['a@example.com'], subject: 's', text: 't', providerOptions: { entityId: 'e-1' } });
    expect(providerOptionUses(message, shapes)).toEqual([]);
    expect(providerOptionUses(message, {}).map((u) => u.feature)).toEqual([
      'providerOptions.entityId (not an option this adapter passes on)',
    ]);
  });
});

describe('sender, segments and names', () => {
  it('refuses a sender ID carriers would not take, with a permanent error before any request', () => {
    expect(() => checkSenderId({ senderId: '12345' }, 'acme')).toThrow(PermanentProviderError);
    expect(() => checkSenderId({ senderId: 'Mailroom' }, 'acme')).not.toThrow();
    expect(() => checkSenderId({ originationNumber: '+15555550100' }, 'acme')).not.toThrow();
  });

  it('adds the segment count and encoding to a result', () => {
    const result = withSegments({ provider: 'acme', recipients: {} }, sms({ to: '+14155552671', body: 'héllo €' }));
    expect(result).toMatchObject({ smsSegments: 1, smsEncoding: 'GSM-7' });
  });

  it('checks adapter names', () => {
    expect(providerNameProblem('twilio-us')).toBeUndefined();
    expect(providerNameProblem(undefined)).toBeUndefined();
    expect(providerNameProblem('Twilio US')).toMatch(/lower-case/);
  });
});
