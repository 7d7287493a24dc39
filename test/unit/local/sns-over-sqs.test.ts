import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { snsHandlerOverSqs, snsRecordFromSqs } from '../../../src/local/sns-over-sqs.js';
import { lambdaContext, toSqsRecord } from '../../../src/local/sqs-event.js';

const envelope = {
  Type: 'Notification',
  MessageId: 'm-1',
  TopicArn: 'arn:aws:sns:us-east-1:000000000000:mailroom-ses-events',
  Message: '{"eventType":"Send"}',
  Timestamp: '2030-01-01T00:00:00.000Z',
  SignatureVersion: '1',
  Signature: 'EXAMPLE',
  SigningCertURL: 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000.pem',
  UnsubscribeURL: 'https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe',
  MessageAttributes: { a: { Type: 'String', Value: 'b' } },
};

const sqsRecord = (body: string, id: string): SQSRecord =>
  toSqsRecord({ MessageId: id, ReceiptHandle: `rh-${id}`, Body: body }, 'arn:aws:sqs:us-east-1:000000000000:q', 'us-east-1');

describe('SNS over SQS', () => {
  it('rebuilds the SNS Lambda record, with its URL casing', () => {
    const record = snsRecordFromSqs(sqsRecord(JSON.stringify(envelope), 'x'), 'arn:sub');
    expect(record).toEqual({
      EventVersion: '1.0',
      EventSubscriptionArn: 'arn:sub',
      EventSource: 'aws:sns',
      Sns: {
        SignatureVersion: '1',
        Timestamp: envelope.Timestamp,
        Signature: 'EXAMPLE',
        SigningCertUrl: envelope.SigningCertURL,
        MessageId: 'm-1',
        Message: envelope.Message,
        MessageAttributes: envelope.MessageAttributes,
        Type: 'Notification',
        UnsubscribeUrl: envelope.UnsubscribeURL,
        TopicArn: envelope.TopicArn,
        Subject: '',
      },
    });
  });

  it('reports records whose invocation threw, and drops bodies that are not SNS envelopes', async () => {
    // Prepare
    const seen: string[] = [];
    const errors: unknown[] = [];
    const handler = snsHandlerOverSqs(
      async (event) => {
        const id = event.Records[0]!.Sns.MessageId;
        seen.push(id);
        if (id === 'fail') throw new Error('transient');
      },
      'arn:sub',
      (e) => errors.push(e),
    );

    // Act
    const response = await handler(
      {
        Records: [
          sqsRecord(JSON.stringify(envelope), 'a'),
          sqsRecord(JSON.stringify({ ...envelope, MessageId: 'fail' }), 'b'),
          sqsRecord('not json', 'c'),
        ],
      },
      lambdaContext('t', 'us-east-1', 1000),
    );

    // Assess
    expect(seen).toEqual(['m-1', 'fail']);
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'b' }] });
    expect(errors).toHaveLength(2);
  });
});
