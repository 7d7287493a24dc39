/**
 * Drives an SQS-triggered handler one batch at a time, as Lambda's event source does
 * (receive, invoke with the exact SQSEvent, delete what did not fail), but under the test's
 * control, so a test can assert between deliveries. The event shape and the reading of
 * `batchItemFailures` are the local poller's own (src/local/sqs-event.ts, src/local/poller.ts).
 */
import { DeleteMessageBatchCommand, type Message, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { LOCAL_REGION } from '../../src/local/clients.js';
import { failedRecordIds, type SqsHandler } from '../../src/local/poller.js';
import { lambdaContext, SYSTEM_ATTRIBUTE_NAMES, toSqsEvent } from '../../src/local/sqs-event.js';

export interface QueueRef {
  readonly url: string;
  readonly arn: string;
}

export interface Delivery {
  readonly event: SQSEvent;
  // biome-ignore lint/suspicious/noConfusingVoidType: what an SqsHandler returns (src/local/poller.ts)
  readonly response: SQSBatchResponse | void | null | undefined;
  /** SQS message ids the handler asked to keep (batch item failures). */
  readonly kept: readonly string[];
  readonly deleted: readonly string[];
}

export async function receive(sqs: SQSClient, queueUrl: string, opts: { waitSeconds?: number; max?: number } = {}): Promise<Message[]> {
  const out = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: opts.max ?? 10,
      WaitTimeSeconds: opts.waitSeconds ?? 0,
      MessageSystemAttributeNames: [...SYSTEM_ATTRIBUTE_NAMES],
      MessageAttributeNames: ['All'],
    }),
  );
  return out.Messages ?? [];
}

/**
 * Receives one batch (waiting up to `waitSeconds` for a message to become visible), invokes
 * the handler with a Lambda context of `timeoutMs`, and deletes the records it did not
 * report as failed. Returns undefined when nothing arrived.
 */
export async function deliverOnce(
  handler: SqsHandler,
  sqs: SQSClient,
  queue: QueueRef,
  opts: { waitSeconds?: number; max?: number; timeoutMs?: number } = {},
): Promise<Delivery | undefined> {
  const messages = await receive(sqs, queue.url, { waitSeconds: opts.waitSeconds ?? 5, max: opts.max });
  if (!messages.length) return undefined;
  const event = toSqsEvent(messages, queue.arn, LOCAL_REGION);
  const response = await handler(event, lambdaContext('mailroom-send-test', LOCAL_REGION, opts.timeoutMs ?? 60_000));
  const failed = failedRecordIds(event, response, true);
  const succeeded = failed === 'all' ? [] : event.Records.filter((r) => !failed.has(r.messageId));
  if (succeeded.length) {
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queue.url,
        Entries: succeeded.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
      }),
    );
  }
  return {
    event,
    response,
    kept: failed === 'all' ? event.Records.map((r) => r.messageId) : [...failed],
    deleted: succeeded.map((r) => r.messageId),
  };
}
