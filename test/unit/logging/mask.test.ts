import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskEmail, maskPhone, maskText } from '../../../src/logging/mask.js';
import { destinationRange } from '../../../src/send/policy/sms.js';

describe('masking addresses and numbers for logs', () => {
  it('masks an address to its first character and domain, a number to its first and last two digits', () => {
    expect(maskEmail('ann@example.com')).toBe('a***@example.com');
    expect(maskPhone('+14155550100')).toBe('+14*******00');
  });

  it('masks every address and number inside free text: SES errors, suppression reasons, SMTP diagnostics', () => {
    // Prepare
    const texts = [
      'MessageRejected: Email address is not verified. The following identities failed the check in region EU-WEST-1: Ann.Lee+promo@Example.co.uk, bob@example.com',
      'every recipient is on the suppression list: ann@example.com (hardBounce), +447700900123 (unsubscribe)',
      'smtp; 550 5.1.1 <ann@example.com>: user unknown',
    ];

    // Act
    const masked = texts.map(maskText);

    // Assess
    expect(masked[0]).toBe(
      'MessageRejected: Email address is not verified. The following identities failed the check in region EU-WEST-1: A***@Example.co.uk, b***@example.com',
    );
    expect(masked[1]).toBe('every recipient is on the suppression list: a***@example.com (hardBounce), +44********23 (unsubscribe)');
    expect(masked[2]).toBe('smtp; 550 5.1.1 <a***@example.com>: user unknown');
  });

  it('leaves text without addresses alone (ids, ARNs, timestamps, status codes)', () => {
    const text = 'message m-1 from arn:aws:sns:eu-west-1:111122223333:topic at 2030-01-01T00:00:00.000Z: HTTP 503, +5 retries';
    expect(maskText(text)).toBe(text);
  });

  it('never lets a generated address or number through', () => {
    fc.assert(
      fc.property(fc.emailAddress(), fc.stringMatching(/^\+[1-9]\d{6,14}$/), fc.string(), (email, phone, noise) => {
        const masked = maskText(`${noise} <${email}> ${phone} ${noise}`);
        return !masked.includes(email) && !masked.includes(phone);
      }),
    );
  });
});

describe('what masking leaves readable', () => {
  it('keeps an SMS destination range (country code, space, national prefix) as operators need it', () => {
    const range = destinationRange('+447700900123', 6);
    expect(range).toBe('+44 770090');
    expect(maskText(`held: range ${range}`)).toBe(`held: range ${range}`);
  });
});
