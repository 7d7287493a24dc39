import { describe, expect, it } from 'vitest';
import { deliveryLogEntry, logsEventFor, snsLogTimestamp } from '../../../src/local/sms-receipts.js';
import type { SmsOutboxRecord } from '../../../src/providers/sms/outbox.js';
import { decodeLogsEvent } from '../../../src/tracking/cloudwatch-logs.js';
import { normalizeSnsSmsEvent } from '../../../src/tracking/normalizers/index.js';

const record: SmsOutboxRecord = {
  id: 'otp-1',
  providerMessageId: '5c6a3f0e-1111-4222-8333-444455556666',
  to: '+14155550100',
  body: 'Your code is 123456',
  smsType: 'transactional',
  segments: 1,
  encoding: 'GSM-7',
  sentAt: '2030-01-01T00:00:00.000Z',
};

describe('local SMS receipts', () => {
  it('formats timestamps as SNS SMS delivery logs do (UTC, space, no zone)', () => {
    expect(snsLogTimestamp(new Date('2016-06-28T00:40:34.558Z'))).toBe('2016-06-28 00:40:34.558');
  });

  it('builds a SUCCESS log entry the SNS SMS normalizer reads as delivered', () => {
    // Act
    const events = normalizeSnsSmsEvent(deliveryLogEntry(record, new Date('2030-01-01T00:00:01.000Z')), { receivedAt: '2030-01-01T00:00:02.000Z', provider: 'sns' });

    // Assess
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      eventType: 'delivered',
      channel: 'sms',
      recipient: '+14155550100',
      providerMessageId: record.providerMessageId,
      timestamp: '2030-01-01T00:00:00.000Z',
    });
  });

  it('wraps entries exactly as a CloudWatch Logs subscription filter delivers them', () => {
    // Act
    const data = decodeLogsEvent(logsEventFor([record, { ...record, providerMessageId: 'other', to: '+442071838750' }], 'eu-west-1', new Date('2030-01-01T00:00:03.000Z')));

    // Assess
    expect(data).toMatchObject({ messageType: 'DATA_MESSAGE', logGroup: 'sns/eu-west-1/000000000000/DirectPublishToPhoneNumber' });
    expect(data.logEvents.map((e) => JSON.parse(e.message).delivery.destination)).toEqual(['+14155550100', '+442071838750']);
  });
});
