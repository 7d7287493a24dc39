import { describe, expect, it } from 'vitest';
import { EVENT_SUBJECT_LENGTH, receivedEventOf } from '../../../src/inbound/publish.js';
import type { StoredInboundRecord } from '../../../src/store/types.js';

const record: StoredInboundRecord = {
  id: 'm1',
  receivedAt: '2023-10-10T10:00:00.000Z',
  ingestedAt: '2023-10-10T10:00:01.000Z',
  envelopeSender: 'bounce@sender.example',
  envelopeRecipients: ['Support@example.com', 'sales@example.com'],
  from: { name: 'A', address: 'a@sender.example' },
  to: [],
  cc: [],
  replyTo: [],
  subject: 's'.repeat(1000),
  text: 'body that must not travel in the event',
  attachments: [
    { contentType: 'image/png', size: 3, disposition: 'inline', s3: { bucket: 'b', key: 'quarantine/m1/0' }, quarantined: true },
  ],
  verdicts: { spam: 'PASS', virus: 'FAIL' },
  spamDetected: true,
  raw: { bucket: 'b', key: 'raw/m1' },
};

describe('receivedEventOf', () => {
  it('is compact: ids, envelope, from, short subject, flags and where the record is', () => {
    const event = receivedEventOf(record, 'mailroom-inbound');
    expect(event).toEqual({
      type: 'inbound.received',
      version: 1,
      id: 'm1',
      receivedAt: '2023-10-10T10:00:00.000Z',
      envelopeRecipients: ['Support@example.com', 'sales@example.com'],
      from: { name: 'A', address: 'a@sender.example' },
      subject: 's'.repeat(EVENT_SUBJECT_LENGTH),
      spamDetected: true,
      quarantined: true,
      attachmentCount: 1,
      record: { table: 'mailroom-inbound', id: 'm1' },
    });
    expect(JSON.stringify(event)).not.toContain('body that must not travel');
  });

  it('carries the error code of a mail kept unparsed', () => {
    const event = receivedEventOf({ ...record, error: { code: 'too_large', message: 'x', retryable: false } }, 't');
    expect(event.errorCode).toBe('too_large');
  });
});
