import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeLogsEvent, encodeLogsEvent } from '../../../src/tracking/cloudwatch-logs.js';
import { LogsPayloadError } from '../../../src/tracking/errors.js';
import { normalizerFor } from '../../../src/tracking/normalizers/index.js';
import { failureReason, normalizeSnsSmsEvent } from '../../../src/tracking/normalizers/sns-sms.js';
import { fixture, RECEIVED_AT, smsCtx } from '../../support/tracking-fixtures.js';

const only = (raw: unknown) => {
  const events = normalizeSnsSmsEvent(raw, smsCtx);
  expect(events).toHaveLength(1);
  return events[0]!;
};

describe('SNS SMS delivery-status logs → normalized events', () => {
  it('SUCCESS → delivered with the provider response, price and carrier in the description, at the device ack time (UTC)', () => {
    const raw = fixture('sns-sms', 'success');
    expect(only(raw)).toEqual({
      eventId: expect.stringMatching(/^[0-9a-f]{32}$/),
      eventType: 'delivered',
      provider: 'sns',
      channel: 'sms',
      providerMessageId: '34d9b400-c6dd-5444-820d-fbeb0f1f54cf',
      recipient: '+12065550100',
      // Accepted at 00:40:34.558, acknowledged by the device 1,344 ms later.
      timestamp: '2016-06-28T00:40:35.902Z',
      receivedAt: RECEIVED_AT,
      mtaResponse: 'Message has been accepted by phone carrier',
      description: 'Transactional SMS, 0.00645 USD, carrier My Phone Carrier (MCC 310, MNC 270), dwell 599 ms',
      raw,
    });
  });

  it('FAILURE → failed with the provider response and a reject reason', () => {
    const e = only(fixture('sns-sms', 'failure'));
    expect(e).toMatchObject({
      eventType: 'failed',
      rejectReason: 'other',
      mtaResponse: 'Unknown error attempting to reach phone',
      description: 'Transactional SMS, 0.00645 USD, MCC 0, MNC 0, dwell 1420 ms',
      timestamp: '2016-06-28T00:40:36.251Z', // 00:40:34.559 + dwellTimeMsUntilDeviceAck 1,692 ms
    });
  });

  it('falls back to the hand-off dwell time, then to the accept time', () => {
    const opted = fixture('sns-sms', 'failure-opted-out'); // dwellTimeMs only
    const accepted = Date.parse(`${String(opted['notification']['timestamp']).replace(' ', 'T')}Z`);
    expect(Date.parse(only(opted).timestamp) - accepted).toBe(opted['delivery']['dwellTimeMs']);
    delete opted['delivery']['dwellTimeMs'];
    expect(Date.parse(only(opted).timestamp)).toBe(accepted);
  });

  it('an opted-out number → failed/unsubscribed', () => {
    expect(only(fixture('sns-sms', 'failure-opted-out'))).toMatchObject({
      eventType: 'failed',
      rejectReason: 'unsubscribed',
      recipient: '+12065550101',
    });
  });

  it.each([
    ['Phone number is opted out', 'unsubscribed'],
    ['Invalid phone number', 'invalid'],
    ['Blocked as spam by phone carrier', 'spam'],
    ['Phone carrier has blocked this message', 'blocked'],
    ['Destination is on a blocked list', 'blocked'],
    ['Phone is currently unreachable/unavailable', 'timed_out'],
    ['This delivery would exceed max price', 'other'],
    [undefined, 'other'],
  ] as const)('provider response %j → rejectReason %s', (response, reason) => {
    expect(failureReason(response)).toBe(reason);
  });

  it('an unknown status → unknown, keeping the entry', () => {
    const raw = { ...fixture('sns-sms', 'success'), status: 'PENDING' };
    expect(only(raw)).toMatchObject({
      eventType: 'unknown',
      raw,
      recipient: '+12065550100',
      providerMessageId: '34d9b400-c6dd-5444-820d-fbeb0f1f54cf',
    });
  });

  it('a log line that is not an SMS entry → unknown, keeping the line', () => {
    expect(only('START RequestId: 1')).toMatchObject({ eventType: 'unknown', raw: 'START RequestId: 1' });
    expect(only({ notification: {} })).toMatchObject({ eventType: 'unknown' });
  });

  it('the message string of a log event and the parsed entry give the same event', () => {
    const raw = fixture('sns-sms', 'failure');
    expect(only(JSON.stringify(raw)).eventId).toBe(only(raw).eventId);
  });

  it('is registered under provider "sns"', () => {
    expect(normalizerFor('sns')).toBe(normalizeSnsSmsEvent);
    expect(normalizerFor('toString')).toBeUndefined();
  });
});

describe('CloudWatch Logs subscription payloads', () => {
  const data = {
    messageType: 'DATA_MESSAGE',
    owner: '123456789012',
    logGroup: 'sns/us-east-1/123456789012/DirectPublishToPhoneNumber',
    logStream: 'abc',
    subscriptionFilters: ['mailroom-sms-status'],
    logEvents: [{ id: '1', timestamp: 1467074434558, message: JSON.stringify(fixture('sns-sms', 'success')) }],
  };

  it('decodes base64 gzip awslogs.data (round trip with the encoder the local pipeline uses)', () => {
    expect(decodeLogsEvent(encodeLogsEvent(data))).toEqual(data);
  });

  it('decodes a CONTROL_MESSAGE to no log events', () => {
    const control = {
      messageType: 'CONTROL_MESSAGE',
      owner: 'CloudwatchLogs',
      logGroup: '',
      logStream: '',
      subscriptionFilters: [],
      logEvents: [],
    };
    expect(decodeLogsEvent(encodeLogsEvent(control)).logEvents).toEqual([]);
  });

  it.each([
    ['not an awslogs event', { Records: [] }],
    ['data that is not gzip', { awslogs: { data: Buffer.from('plain').toString('base64') } }],
    ['gzip of something that is not JSON', { awslogs: { data: gzipSync('nope').toString('base64') } }],
    ['JSON of the wrong shape', { awslogs: { data: gzipSync(JSON.stringify({ logEvents: 'x' })).toString('base64') } }],
  ])('refuses %s with LogsPayloadError', (_label, event) => {
    expect(() => decodeLogsEvent(event)).toThrow(LogsPayloadError);
  });

  it('refuses a payload that inflates past 16 MiB', () => {
    const bomb = gzipSync(Buffer.alloc(17 * 1024 * 1024, 0x20)).toString('base64');
    expect(() => decodeLogsEvent({ awslogs: { data: bomb } })).toThrow(/16 MiB/);
  });
});

describe('SNS SMS outcome time', () => {
  it('keeps the accept time when the dwell is implausible (over a week)', () => {
    const raw = fixture('sns-sms', 'failure-opted-out');
    raw['delivery']['dwellTimeMs'] = 251_935_226_337_887;
    expect(normalizeSnsSmsEvent(raw, smsCtx)[0]!.timestamp).toBe('2016-06-28T00:41:02.113Z');
  });
});
