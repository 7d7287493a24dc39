/**
 * A local stand-in for Lambda's SQS event source mapping, so `npm start` runs the real
 * handlers with the delivery semantics they get in AWS
 * (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html,
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html):
 *
 * - `maxConcurrency` workers each long-poll ReceiveMessage for up to `batchSize` messages
 *   (Lambda's ScalingConfig.MaximumConcurrency: at most that many invocations at once).
 * - Each batch becomes the exact `SQSEvent` Lambda builds (./sqs-event.ts) and one invocation.
 * - With ReportBatchItemFailures (the default, as our CDK sets it) the records named in
 *   `batchItemFailures` stay on the queue and every other record is deleted; a malformed
 *   response fails the whole batch, exactly as Lambda treats it.
 * - A thrown error or a timed-out invocation fails the whole batch: nothing is deleted and
 *   every record reappears when its visibility timeout ends (or earlier if the handler moved
 *   it with ChangeMessageVisibility, which our send handler does for backoff).
 * - Redrive to the DLQ after `maxReceiveCount` is the queue's job, as in AWS: fauxqs
 *   implements RedrivePolicy (test/integration/local/poller.test.ts proves it), so the
 *   poller does not emulate it.
 */
import { DeleteMessageBatchCommand, type Message, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { MailroomError } from '../errors.js';
import { lambdaContext, SYSTEM_ATTRIBUTE_NAMES, toSqsEvent } from './sqs-event.js';

// biome-ignore lint/suspicious/noConfusingVoidType: mirrors aws-lambda's SQSHandler, whose handlers may return nothing
export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void | null | undefined>;

export interface SqsPollerOptions {
  /** Function name, for the Lambda context and log lines. */
  readonly name: string;
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly region: string;
  readonly handler: SqsHandler;
  /** Records per invocation, 1-10 (ReceiveMessage's limit). @default 10 */
  readonly batchSize?: number;
  /** Invocations running at once. @default 2 (Lambda's minimum MaximumConcurrency) */
  readonly maxConcurrency?: number;
  /** Long-poll wait. @default 20 */
  readonly waitTimeSeconds?: number;
  /** FunctionResponseTypes: ReportBatchItemFailures. @default true */
  readonly reportBatchItemFailures?: boolean;
  /** Function timeout; a slower invocation counts as a failed batch. @default 30000 */
  readonly functionTimeoutMs?: number;
  /** Observer for batches and errors (logging, tests). */
  readonly onEvent?: (event: PollerEvent) => void;
  /** Stops the poller when aborted, as `stop()` does (without waiting for it). */
  readonly signal?: AbortSignal;
}

export type PollerEvent =
  | { readonly type: 'batch'; readonly poller: string; readonly size: number; readonly failed: number; readonly wholeBatchFailed: boolean }
  | { readonly type: 'error'; readonly poller: string; readonly stage: 'receive' | 'invoke' | 'delete'; readonly error: unknown };

export interface PollerStats {
  batches: number;
  received: number;
  deleted: number;
  failed: number;
  errors: number;
}

export class PollerError extends MailroomError {}

/**
 * Which records of a batch failed, given the handler's response, by Lambda's rules:
 * an empty or null response, or an empty/null `batchItemFailures`, is full success; an
 * entry with a missing, empty or unknown `itemIdentifier`, or a response that is not the
 * documented shape, fails the whole batch.
 */
export function failedRecordIds(event: SQSEvent, response: unknown, reportBatchItemFailures: boolean): Set<string> | 'all' {
  if (!reportBatchItemFailures || response === null || response === undefined) return new Set();
  if (typeof response !== 'object') return 'all';
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === null || failures === undefined) return new Set();
  if (!Array.isArray(failures)) return 'all';
  const ids = new Set(event.Records.map((r) => r.messageId));
  const failed = new Set<string>();
  for (const entry of failures) {
    const id = (entry as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || id === '' || !ids.has(id)) return 'all';
    failed.add(id);
  }
  return failed;
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

export class SqsPoller {
  readonly stats: PollerStats = { batches: 0, received: 0, deleted: 0, failed: 0, errors: 0 };
  private readonly abort = new AbortController();
  private workers: Promise<void>[] = [];
  private readonly opts: Required<Omit<SqsPollerOptions, 'onEvent' | 'signal'>> & Pick<SqsPollerOptions, 'onEvent'>;

  constructor(options: SqsPollerOptions) {
    const batchSize = options.batchSize ?? 10;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10) throw new PollerError(`batchSize must be 1-10, got ${batchSize}`);
    const maxConcurrency = options.maxConcurrency ?? 2;
    if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1)
      throw new PollerError(`maxConcurrency must be a positive integer, got ${maxConcurrency}`);
    this.opts = {
      ...options,
      batchSize,
      maxConcurrency,
      waitTimeSeconds: options.waitTimeSeconds ?? 20,
      reportBatchItemFailures: options.reportBatchItemFailures ?? true,
      functionTimeoutMs: options.functionTimeoutMs ?? 30_000,
    };
    if (options.signal?.aborted) this.abort.abort();
    else options.signal?.addEventListener('abort', () => this.abort.abort(), { once: true });
  }

  get running(): boolean {
    return this.workers.length > 0 && !this.abort.signal.aborted;
  }

  start(): this {
    if (this.workers.length) throw new PollerError(`poller ${this.opts.name} already started`);
    this.workers = Array.from({ length: this.opts.maxConcurrency }, () => this.work());
    return this;
  }

  /** Stops receiving, lets in-flight invocations finish (as Lambda does), then resolves. */
  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.all(this.workers);
  }

  private emit(event: PollerEvent): void {
    if (event.type === 'error') this.stats.errors++;
    this.opts.onEvent?.(event);
  }

  private async work(): Promise<void> {
    const signal = this.abort.signal;
    let backoffMs = 250;
    while (!signal.aborted) {
      let messages: Message[];
      try {
        const out = await this.opts.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: this.opts.queueUrl,
            MaxNumberOfMessages: this.opts.batchSize,
            WaitTimeSeconds: this.opts.waitTimeSeconds,
            MessageSystemAttributeNames: [...SYSTEM_ATTRIBUTE_NAMES],
            MessageAttributeNames: ['All'],
          }),
          { abortSignal: signal },
        );
        messages = out.Messages ?? [];
        backoffMs = 250;
      } catch (error) {
        // Stopping aborts the long poll; a message SQS hands out at that instant stays
        // invisible until its visibility timeout, as with a consumer that dies in AWS.
        if (signal.aborted) return;
        this.emit({ type: 'error', poller: this.opts.name, stage: 'receive', error });
        await abortableSleep(backoffMs, signal);
        backoffMs = Math.min(backoffMs * 2, 5000);
        continue;
      }
      if (messages.length) await this.invoke(messages);
    }
  }

  private async invoke(messages: Message[]): Promise<void> {
    const { name, region, queueArn, functionTimeoutMs } = this.opts;
    const event = toSqsEvent(messages, queueArn, region);
    this.stats.batches++;
    this.stats.received += messages.length;
    let failed: Set<string> | 'all';
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new PollerError(`${name} timed out after ${functionTimeoutMs} ms`)), functionTimeoutMs);
      });
      const response = await Promise.race([this.opts.handler(event, lambdaContext(name, region, functionTimeoutMs)), timeout]);
      failed = failedRecordIds(event, response, this.opts.reportBatchItemFailures);
    } catch (error) {
      this.emit({ type: 'error', poller: name, stage: 'invoke', error });
      failed = 'all';
    } finally {
      clearTimeout(timer);
    }
    const succeeded = failed === 'all' ? [] : event.Records.filter((r) => !failed.has(r.messageId));
    const failedCount = event.Records.length - succeeded.length;
    this.stats.failed += failedCount;
    this.emit({ type: 'batch', poller: name, size: event.Records.length, failed: failedCount, wholeBatchFailed: failed === 'all' });
    if (succeeded.length) await this.delete(succeeded.map((r) => r.receiptHandle));
  }

  private async delete(receiptHandles: string[]): Promise<void> {
    try {
      const out = await this.opts.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.opts.queueUrl,
          Entries: receiptHandles.map((ReceiptHandle, i) => ({ Id: String(i), ReceiptHandle })),
        }),
      );
      this.stats.deleted += out.Successful?.length ?? 0;
      if (out.Failed?.length) {
        this.emit({
          type: 'error',
          poller: this.opts.name,
          stage: 'delete',
          error: new PollerError(
            `could not delete ${out.Failed.length} message(s): ${out.Failed.map((f) => f.Message ?? f.Code).join('; ')}`,
          ),
        });
      }
    } catch (error) {
      // The records stay on the queue and are delivered again: at-least-once, as in AWS.
      this.emit({ type: 'error', poller: this.opts.name, stage: 'delete', error });
    }
  }
}
