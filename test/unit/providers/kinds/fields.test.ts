/** The id/metadata field helpers the adapters and the webhook normalizers share. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bareMailgunMessageId } from '../../../../src/providers/kinds/mailgun/fields.js';
import { rfc2822 } from '../../../../src/providers/kinds/mailgun/payload.js';
import { readResendTags, resendTags } from '../../../../src/providers/kinds/resend/fields.js';
import { sendgridMessageIdOf } from '../../../../src/providers/kinds/sendgrid/fields.js';
import { smtpMessageId } from '../../../../src/providers/kinds/smtp/fields.js';

const TAG = /^[A-Za-z0-9_-]{1,256}$/;

describe('Resend tags', () => {
  it('round-trip any id, metadata and tags, and only use characters Resend accepts', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9._:-]{1,128}$/),
        fc.dictionary(
          fc.string({ minLength: 1, maxLength: 20 }),
          fc.oneof(
            fc.string({ maxLength: 40 }).filter((s) => s.length > 0),
            fc.integer(),
            fc.boolean(),
          ),
        ),
        fc.array(fc.string({ minLength: 1, maxLength: 30 }), { maxLength: 5 }),
        (id, metadata, tags) => {
          const encoded = resendTags(id, metadata, tags);
          for (const t of encoded) {
            expect(t.name).toMatch(TAG);
            expect(t.value).toMatch(TAG);
          }
          const back = readResendTags(encoded);
          expect(back.messageId).toBe(id);
          expect(back.metadata).toEqual(Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, String(v)])));
          expect(back.tags).toEqual([...new Set(tags)]);
        },
      ),
    );
  });

  it('a metadata key named like the id tag stays metadata', () => {
    const metadata = JSON.parse('{"mailroom_id":"x","__proto__":"y"}') as Record<string, string>;
    const back = readResendTags(resendTags('m-1', metadata));
    expect(back.messageId).toBe('m-1');
    expect(Object.entries(back.metadata)).toEqual([
      ['mailroom_id', 'x'],
      ['__proto__', 'y'],
    ]);
  });

  it('ignores tags Mailroom did not write', () => {
    expect(
      readResendTags([
        { name: 'category', value: 'welcome' },
        { name: 'mailroom_id', value: 'bad_escape_q' },
      ]),
    ).toEqual({ metadata: {}, tags: [] });
  });
});

describe('provider message ids', () => {
  it('Mailgun ids lose their angle brackets; SendGrid event ids lose the filter suffix', () => {
    expect(bareMailgunMessageId('<20260101.1.ABC@mg.example.com>')).toBe('20260101.1.ABC@mg.example.com');
    expect(bareMailgunMessageId('20260101.1.ABC@mg.example.com')).toBe('20260101.1.ABC@mg.example.com');
    expect(sendgridMessageIdOf('abc123.filterdrecv-p3mdw1-756b745b58-kmzbl-18-5F5FC76C-9.0')).toBe('abc123');
    expect(sendgridMessageIdOf('abc123')).toBe('abc123');
  });

  it('the SMTP Message-ID is stable per id and key, and does not reveal the id', () => {
    const a = smtpMessageId('order-42', 'k', 'example.com');
    expect(a).toMatch(/^<[0-9a-f]{32}@example\.com>$/);
    expect(a).toBe(smtpMessageId('order-42', 'k', 'example.com'));
    expect(a).not.toBe(smtpMessageId('order-42', 'other key', 'example.com'));
    expect(a).not.toContain('order');
  });

  it('o:deliverytime is RFC 2822 in UTC', () => {
    expect(rfc2822('2026-12-05T09:30:00+01:00')).toBe('Sat, 05 Dec 2026 08:30:00 +0000');
  });
});
