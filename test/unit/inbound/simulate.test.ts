import { describe, expect, it } from 'vitest';
import { parseReceiptNotification } from '../../../src/inbound/notification.js';
import { simulatedS3Receipt } from '../../../src/inbound/simulate.js';
import { summarizeVerdicts } from '../../../src/inbound/verdicts.js';

describe('simulatedS3Receipt', () => {
  it('builds a notification our own schema accepts, keyed prefix + message id like SES', () => {
    // Act
    const n = simulatedS3Receipt({
      messageId: 'local123',
      bucket: 'inbound',
      objectKeyPrefix: 'raw/',
      recipients: ['a@example.com', 'b@example.com'],
      receivedAt: new Date('2024-01-02T03:04:05Z'),
    });
    // Assess
    const parsed = parseReceiptNotification(JSON.parse(JSON.stringify(n)));
    expect(parsed.receipt.action).toEqual({ type: 'S3', bucketName: 'inbound', objectKeyPrefix: 'raw/', objectKey: 'raw/local123' });
    expect(parsed.receipt.recipients).toEqual(['a@example.com', 'b@example.com']);
    expect(parsed.receipt.timestamp).toBe('2024-01-02T03:04:05.000Z');
  });

  it('claims no scan happened unless told otherwise (spamDetected stays unknown)', () => {
    const n = simulatedS3Receipt({ messageId: 'x', bucket: 'b', objectKeyPrefix: 'raw/', recipients: ['a@example.com'] });
    expect(summarizeVerdicts(n.receipt)).toEqual({
      verdicts: { spam: 'DISABLED', virus: 'DISABLED', spf: 'DISABLED', dkim: 'DISABLED', dmarc: 'DISABLED' },
      quarantine: false,
    });
    const failing = simulatedS3Receipt({
      messageId: 'x',
      bucket: 'b',
      objectKeyPrefix: 'raw/',
      recipients: ['a@example.com'],
      verdicts: { virus: 'FAIL' },
    });
    expect(summarizeVerdicts(failing.receipt)).toMatchObject({ spamDetected: true, quarantine: true });
  });
});
