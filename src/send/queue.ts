/**
 * The things the send pipeline does to SQS besides receiving (which the event source does):
 * move a received message's visibility (backoff, schedule), put a fresh copy back on the
 * queue (a wait that must not use up the redrive receive count), write a message to the DLQ
 * with the reason it failed, and read back the body of a message that went by reference
 * (./oversize.ts). The SQS and S3 clients are built by the handler wiring.
 */
import { ChangeMessageVisibilityCommand, type MessageAttributeValue, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import { MAX_DELAY_SECONDS, MAX_VISIBILITY_SECONDS } from './backoff.js';
import { MessageTooLargeError } from './errors.js';
import { BODY_REF_ATTR, type BodyReference, referenceBody, type S3BodyStore, SQS_MAX_MESSAGE_BYTES, sqsMessageSize } from './oversize.js';

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
  /** `s3://bucket/key` of a body that went by reference (./oversize.ts). */
  bodyRef: BODY_REF_ATTR,
} as const;

/** SQS allows at most 10 message attributes per message. */
export const MAX_MESSAGE_ATTRIBUTES = 10;
const ERROR_MESSAGE_LIMIT = 2048;

export interface OutgoingMessage {
  readonly body: string;
  readonly attributes: Readonly<Record<string, MessageAttributeValue>>;
  readonly delaySeconds?: number;
}

/** What a write did: `bodyRef` when the body was too large to go with its attributes. */
export interface QueueWrite {
  readonly bodyRef?: BodyReference;
}

export interface SendQueuePort {
  changeVisibility(receiptHandle: string, seconds: number): Promise<void>;
  // biome-ignore lint/suspicious/noConfusingVoidType: a port whose implementations (the test doubles) may resolve with nothing
  requeue(message: OutgoingMessage): Promise<QueueWrite | void>;
  // biome-ignore lint/suspicious/noConfusingVoidType: as requeue
  deadLetter(message: OutgoingMessage): Promise<QueueWrite | void>;
  /** The producer's body of a received record, resolving a by-reference body. @default the record's body */
  resolveBody?(record: SQSRecord): Promise<string>;
}

export interface SqsSendQueueOptions {
  readonly queueUrl: string;
  readonly dlqUrl: string;
  /** Where bodies too large to go with their attributes are stored; without it such a write fails. */
  readonly bodies?: S3BodyStore;
  /** The queues' MaximumMessageSize. @default 1048576 (SQS's largest) */
  readonly maxMessageBytes?: number;
}

export class SqsSendQueue implements SendQueuePort {
  constructor(
    private readonly sqs: SQSClient,
    private readonly urls: SqsSendQueueOptions,
  ) {}

  resolveBody(record: SQSRecord): Promise<string> {
    return this.urls.bodies ? this.urls.bodies.resolve(record) : Promise.resolve(record.body);
  }

  async changeVisibility(receiptHandle: string, seconds: number): Promise<void> {
    await this.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: this.urls.queueUrl,
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: Math.max(0, Math.min(MAX_VISIBILITY_SECONDS, Math.round(seconds))),
      }),
    );
  }

  requeue(message: OutgoingMessage): Promise<QueueWrite> {
    return this.send(this.urls.queueUrl, message);
  }

  deadLetter(message: OutgoingMessage): Promise<QueueWrite> {
    return this.send(this.urls.dlqUrl, message);
  }

  private async send(queueUrl: string, message: OutgoingMessage): Promise<QueueWrite> {
    const limit = this.urls.maxMessageBytes ?? SQS_MAX_MESSAGE_BYTES;
    let { body, attributes } = message;
    let bodyRef: BodyReference | undefined;
    const size = sqsMessageSize(body, attributes);
    if (size > limit) {
      if (!this.urls.bodies) throw new MessageTooLargeError(size, limit, 'no bucket configured for bodies sent by reference');
      bodyRef = await this.urls.bodies.put(body);
      body = referenceBody(bodyRef);
      attributes = fitAttributes(body, { ...attributes, [BODY_REF_ATTR]: stringAttr(`s3://${bodyRef.bucket}/${bodyRef.key}`) }, limit);
    }
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: body,
        ...(Object.keys(attributes).length ? { MessageAttributes: { ...attributes } } : {}),
        ...(message.delaySeconds ? { DelaySeconds: Math.max(0, Math.min(MAX_DELAY_SECONDS, Math.round(message.delaySeconds))) } : {}),
      }),
    );
    return bodyRef ? { bodyRef } : {};
  }
}

/**
 * Mailroom's attributes always go; the producer's go while they fit within SQS's 10
 * attributes and the size limit (the last ones are left out first, as carriedAttributes does).
 */
function fitAttributes(
  body: string,
  attributes: Record<string, MessageAttributeValue>,
  limit: number,
): Record<string, MessageAttributeValue> {
  const out = { ...attributes };
  const theirs = Object.keys(out).filter((name) => !name.startsWith('mailroom.'));
  while (Object.keys(out).length > MAX_MESSAGE_ATTRIBUTES || sqsMessageSize(body, out) > limit) {
    const drop = theirs.pop();
    if (drop === undefined) throw new MessageTooLargeError(sqsMessageSize(body, out), limit, "Mailroom's own attributes do not fit");
    delete out[drop];
  }
  return out;
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
