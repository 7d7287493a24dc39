import type { SQSEvent } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { failedRecordIds } from '../../../src/local/poller.js';
import { toSqsRecord } from '../../../src/local/sqs-event.js';

const event: SQSEvent = {
  Records: ['a', 'b', 'c'].map((id) =>
    toSqsRecord(
      { MessageId: id, ReceiptHandle: `rh-${id}`, Body: id, MD5OfBody: 'x' },
      'arn:aws:sqs:us-east-1:000000000000:q',
      'us-east-1',
    ),
  ),
};

describe('failedRecordIds (Lambda partial batch response rules)', () => {
  it.each([
    ['undefined', undefined],
    ['null', null],
    ['an empty object', {}],
    ['a null list', { batchItemFailures: null }],
    ['an empty list', { batchItemFailures: [] }],
  ])('treats %s as full success', (_, response) => {
    expect(failedRecordIds(event, response, true)).toEqual(new Set());
  });

  it('fails only the named records', () => {
    expect(failedRecordIds(event, { batchItemFailures: [{ itemIdentifier: 'b' }] }, true)).toEqual(new Set(['b']));
  });

  it.each([
    ['an unknown id', { batchItemFailures: [{ itemIdentifier: 'zzz' }] }],
    ['an empty id', { batchItemFailures: [{ itemIdentifier: '' }] }],
    ['a null id', { batchItemFailures: [{ itemIdentifier: null }] }],
    ['a wrong key name', { batchItemFailures: [{ id: 'a' }] }],
    ['a list that is not a list', { batchItemFailures: 'a' }],
    ['a non-object response', 'oops'],
  ])('fails the whole batch on %s', (_, response) => {
    expect(failedRecordIds(event, response, true)).toBe('all');
  });

  it('ignores the response when ReportBatchItemFailures is off', () => {
    expect(failedRecordIds(event, { batchItemFailures: [{ itemIdentifier: 'a' }] }, false)).toEqual(new Set());
  });

  it('never fails records outside the batch, whatever the response', () => {
    fc.assert(
      fc.property(fc.anything(), (response) => {
        const result = failedRecordIds(event, response, true);
        if (result !== 'all') for (const id of result) expect(['a', 'b', 'c']).toContain(id);
      }),
    );
  });
});

describe('toSqsRecord', () => {
  it('fills Lambda defaults and converts binary attributes to base64', () => {
    const record = toSqsRecord(
      {
        MessageId: 'm',
        ReceiptHandle: 'r',
        Body: 'b',
        MD5OfBody: 'md5',
        Attributes: {
          ApproximateReceiveCount: '3',
          SentTimestamp: '10',
          SenderId: 'S',
          ApproximateFirstReceiveTimestamp: '11',
          MessageGroupId: 'g',
        },
        MessageAttributes: { bin: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 3]) } },
      },
      'arn:q',
      'eu-west-1',
    );
    expect(record).toEqual({
      messageId: 'm',
      receiptHandle: 'r',
      body: 'b',
      attributes: {
        ApproximateReceiveCount: '3',
        SentTimestamp: '10',
        SenderId: 'S',
        ApproximateFirstReceiveTimestamp: '11',
        MessageGroupId: 'g',
      },
      messageAttributes: { bin: { binaryValue: 'AQID', stringListValues: [], binaryListValues: [], dataType: 'Binary' } },
      md5OfBody: 'md5',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:q',
      awsRegion: 'eu-west-1',
    });
  });
});
