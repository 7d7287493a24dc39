/**
 * The "inbound received" event: what applications subscribe to instead of polling the table.
 * It is compact (no bodies, no attachment list); the record is fetched by `record.id` from
 * `record.table` (or with `mailroom inbound show`).
 *
 * Delivery is at least once: the event goes out after the record is stored, and `publishedAt`
 * is set after it went out. A crash in between means the retry publishes again, so
 * subscribers dedupe by `id`.
 *
 * SNS message attributes let a subscription filter without parsing the body
 * (https://docs.aws.amazon.com/sns/latest/dg/sns-message-filtering.html), e.g.
 * `{"envelopeRecipients": ["support@example.com"]}` or `{"spamDetected": ["false"]}`.
 */
import { type MessageAttributeValue, PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { StoredInboundRecord } from '../store/types.js';
import { InboundStorageError } from './errors.js';
import type { InboundReceivedEvent } from './types.js';

export const EVENT_SUBJECT_LENGTH = 256;

export function receivedEventOf(record: StoredInboundRecord, table: string): InboundReceivedEvent {
  return {
    type: 'inbound.received',
    version: 1,
    id: record.id,
    receivedAt: record.receivedAt,
    envelopeRecipients: record.envelopeRecipients,
    ...(record.from ? { from: record.from } : {}),
    ...(record.subject !== undefined ? { subject: record.subject.slice(0, EVENT_SUBJECT_LENGTH) } : {}),
    ...(record.spamDetected !== undefined ? { spamDetected: record.spamDetected } : {}),
    quarantined: record.attachments.some((a) => a.quarantined) || record.verdicts.virus === 'FAIL',
    attachmentCount: record.attachments.length,
    ...(record.error ? { errorCode: record.error.code } : {}),
    record: { table, id: record.id },
  };
}

/** `publish` dependency backed by SNS Publish, for the handler wiring. */
export function snsEventPublisher(sns: SNSClient, topicArn: string): (event: InboundReceivedEvent) => Promise<void> {
  return async (event) => {
    const attributes: Record<string, MessageAttributeValue> = {
      eventType: { DataType: 'String', StringValue: event.type },
      envelopeRecipients: { DataType: 'String.Array', StringValue: JSON.stringify(event.envelopeRecipients.map((r) => r.toLowerCase())) },
      quarantined: { DataType: 'String', StringValue: String(event.quarantined) },
    };
    if (event.spamDetected !== undefined) attributes['spamDetected'] = { DataType: 'String', StringValue: String(event.spamDetected) };
    try {
      await sns.send(new PublishCommand({ TopicArn: topicArn, Message: JSON.stringify(event), MessageAttributes: attributes }));
    } catch (error) {
      throw new InboundStorageError('sns:Publish (inbound received)', { topicArn, id: event.id }, { cause: error });
    }
  };
}
