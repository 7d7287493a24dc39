/**
 * The three things the send pipeline does to SQS besides receiving (which the event source
 * does): move a received message's visibility (backoff, schedule), put a fresh copy back on
 * the queue (a wait that must not use up the redrive receive count), and write a message to
 * the DLQ with the reason it failed. The SQS client is built by the handler wiring.
 */
import { ChangeMessageVisibilityCommand, SendMessageCommand, type MessageAttributeValue, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSMessageAttributes } from 'aws-lambda';
import { MAX_DELAY_SECONDS, MAX_VISIBILITY_SECONDS } from './backoff.js';

/** Message attributes Mailroom sets on DLQ entries and re-enqueued copies. */
export const QUEUE_ATTRS = {
  errorCode: 'mailroom.errorCode',
  errorMessage: 'mailroom.errorMessage',
  messageId: 'mailroom.messageId',
  attempts: 'mailroom.attempts',
  /** Also the record's `deadLetteredAt`: a DLQ entry redriven to the source queue carries it back. */
  deadLetteredAt: 'mailroom.deadLetteredAt',
  sourceMessageId: 'mailroom.sourceMessageId',
  requeues: 'mailroom.requeues',
} as const;

/** SQS allows at most 10 message attributes per message. */
export const MAX_MESSAGE_ATTRIBUTES = 10;
const ERROR_MESSAGE_LIMIT = 2048;

export interface OutgoingMessage {
  readonly body: string;
  readonly attributes: Readonly<Record<string, MessageAttributeValue>>;
  readonly delaySeconds?: number;
}

export interface SendQueuePort {
  changeVisibility(receiptHandle: string, seconds: number): Promise<void>;
  requeue(message: OutgoingMessage): Promise<void>;
  deadLetter(message: OutgoingMessage): Promise<void>;
}

export class SqsSendQueue implements SendQueuePort {
  constructor(
    private readonly sqs: SQSClient,
    private readonly urls: { readonly queueUrl: string; readonly dlqUrl: string },
  ) {}

  async changeVisibility(receiptHandle: string, seconds: number): Promise<void> {
    await this.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: this.urls.queueUrl,
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: Math.max(0, Math.min(MAX_VISIBILITY_SECONDS, Math.round(seconds))),
      }),
    );
  }

  async requeue(message: OutgoingMessage): Promise<void> {
    await this.send(this.urls.queueUrl, message);
  }

  async deadLetter(message: OutgoingMessage): Promise<void> {
    await this.send(this.urls.dlqUrl, message);
  }

  private async send(queueUrl: string, message: OutgoingMessage): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: message.body,
        ...(Object.keys(message.attributes).length ? { MessageAttributes: { ...message.attributes } } : {}),
        ...(message.delaySeconds ? { DelaySeconds: Math.max(0, Math.min(MAX_DELAY_SECONDS, Math.round(message.delaySeconds))) } : {}),
      }),
    );
  }
}

export const stringAttr = (value: string): MessageAttributeValue => ({ DataType: 'String', StringValue: value });
export const numberAttr = (value: number): MessageAttributeValue => ({ DataType: 'Number', StringValue: String(value) });

export function truncateErrorMessage(message: string): string {
  return message.length > ERROR_MESSAGE_LIMIT ? `${message.slice(0, ERROR_MESSAGE_LIMIT - 1)}…` : message;
}

/**
 * The producer's message attributes as SendMessage wants them, without Mailroom's own (they
 * are set afresh), keeping as many as fit next to `reserved` of ours within SQS's 10.
 */
export function carriedAttributes(attrs: SQSMessageAttributes | undefined, reserved: number): Record<string, MessageAttributeValue> {
  const out: Record<string, MessageAttributeValue> = {};
  const room = MAX_MESSAGE_ATTRIBUTES - reserved;
  for (const [name, a] of Object.entries(attrs ?? {})) {
    if (Object.keys(out).length >= room) break;
    if (name.startsWith('mailroom.')) continue;
    if (a.stringValue !== undefined) out[name] = { DataType: a.dataType, StringValue: a.stringValue };
    else if (a.binaryValue !== undefined) out[name] = { DataType: a.dataType, BinaryValue: Buffer.from(a.binaryValue, 'base64') };
  }
  return out;
}

/** A Mailroom string attribute of a received record, if present. */
export function readAttr(attrs: SQSMessageAttributes | undefined, name: string): string | undefined {
  return attrs?.[name]?.stringValue;
}
