/**
 * In AWS the tracking Lambda is subscribed to the SES-events topic directly (SNS invokes it
 * with an `SNSEvent`). fauxqs delivers SNS only to SQS, so locally the topic feeds a queue and
 * a poller reads it; this adapter turns each SQS record (whose body is the SNS JSON envelope,
 * raw message delivery off) back into the SNS Lambda record SNS would have sent, and invokes
 * the SNS-subscribed handler with it. https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html
 *
 * Casing quirk kept: the HTTP/SQS envelope says `SigningCertURL` / `UnsubscribeURL`, the
 * Lambda record `SigningCertUrl` / `UnsubscribeUrl`; message attributes become
 * `{Type, Value}`.
 */
import type { Context, SNSEvent, SNSEventRecord, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import type { SqsHandler } from './poller.js';

const envelopeSchema = z.object({
  Type: z.string(),
  MessageId: z.string(),
  TopicArn: z.string(),
  Subject: z.string().nullish(),
  Message: z.string(),
  Timestamp: z.string(),
  SignatureVersion: z.string(),
  Signature: z.string(),
  SigningCertURL: z.string(),
  UnsubscribeURL: z.string(),
  MessageAttributes: z.record(z.string(), z.object({ Type: z.string(), Value: z.string() })).optional(),
});

export function snsRecordFromSqs(record: SQSRecord, subscriptionArn: string): SNSEventRecord {
  const env = envelopeSchema.parse(JSON.parse(record.body));
  return {
    EventVersion: '1.0',
    EventSubscriptionArn: subscriptionArn,
    EventSource: 'aws:sns',
    Sns: {
      SignatureVersion: env.SignatureVersion,
      Timestamp: env.Timestamp,
      Signature: env.Signature,
      SigningCertUrl: env.SigningCertURL,
      MessageId: env.MessageId,
      Message: env.Message,
      MessageAttributes: env.MessageAttributes ?? {},
      Type: env.Type,
      UnsubscribeUrl: env.UnsubscribeURL,
      TopicArn: env.TopicArn,
      Subject: env.Subject ?? '',
    },
  };
}

export type SnsHandler = (event: SNSEvent, context: Context) => Promise<unknown>;

/**
 * An SQS handler that invokes `handler` once per record with a one-record SNSEvent (SNS
 * invokes a subscribed Lambda with one record per message) and reports the records whose
 * invocation threw as batch item failures, so they come back like an SNS retry would.
 * A body that is not an SNS envelope is reported and dropped from the batch's failures: it
 * could never succeed, and SNS would never have delivered it.
 */
export function snsHandlerOverSqs(
  handler: SnsHandler,
  subscriptionArn: string,
  onError?: (error: unknown, record: SQSRecord) => void,
): SqsHandler {
  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const failures: { itemIdentifier: string }[] = [];
    for (const record of event.Records) {
      let sns: SNSEventRecord;
      try {
        sns = snsRecordFromSqs(record, subscriptionArn);
      } catch (error) {
        onError?.(error, record);
        continue;
      }
      try {
        await handler({ Records: [sns] }, context);
      } catch (error) {
        onError?.(error, record);
        failures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures: failures };
  };
}
