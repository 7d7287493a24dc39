/**
 * The typed producer client (`mailroom/client`): validates each message with the contract's
 * zod schema, the one the send Lambdas use, before anything is enqueued, and puts it on its
 * channel's queue. The id it returns is the one the consumer records: the message's `id`, or
 * the id the consumer derives from the exact body this client sends (src/contract/validator.ts
 * deriveId).
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Channel, MessageInput } from '../contract/message.js';
import { type FieldReason, InvalidMessageError, validateMessage } from '../contract/validate.js';
import { chunkEntries, DEFAULT_MAX_BATCH_BYTES, MAX_BATCH_BYTES } from './batch.js';
import { readStackOutputs } from './stack-outputs.js';

export interface MailroomClientOptions {
  readonly emailQueueUrl: string;
  readonly smsQueueUrl: string;
  /** @default a new SQSClient with the default credential and region chain */
  readonly sqsClient?: SQSClient;
  /** Payload limit of one SendMessageBatch request, at most 1 MiB. @default 256 KiB */
  readonly maxBatchBytes?: number;
}

export interface FromStackOptions extends Omit<MailroomClientOptions, 'emailQueueUrl' | 'smsQueueUrl'> {
  /** @default a new CloudFormationClient with the default credential and region chain */
  readonly cloudFormationClient?: CloudFormationClient;
}

/** Why SQS (or the client, for a body too large for any request) did not take one message of a batch. */
export interface BatchEntryError {
  /** The message's id, as `send` would have returned it. */
  readonly id: string;
  /** SQS's error code (e.g. `InternalError`), or `message_too_large`. */
  readonly code: string;
  readonly message: string;
  /** True when resending the same message cannot succeed (SQS's SenderFault). */
  readonly senderFault: boolean;
}

export type BatchEntryResult = { readonly id: string } | { readonly error: BatchEntryError };

interface Prepared {
  readonly index: number;
  readonly id: string;
  readonly channel: Channel;
  readonly body: string;
  readonly bytes: number;
}

export class MailroomClient {
  private readonly queues: Readonly<Record<Channel, string>>;
  private readonly sqs: SQSClient;
  private readonly maxBatchBytes: number;

  constructor(options: MailroomClientOptions) {
    this.queues = { email: options.emailQueueUrl, sms: options.smsQueueUrl };
    this.sqs = options.sqsClient ?? new SQSClient({});
    this.maxBatchBytes = options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES;
    if (!(this.maxBatchBytes > 0 && this.maxBatchBytes <= MAX_BATCH_BYTES))
      throw new RangeError(`maxBatchBytes must be between 1 and ${MAX_BATCH_BYTES}`);
  }

  /** A client for a deployed stack holding Mailroom, from its EmailQueueUrl and SmsQueueUrl outputs. */
  static async fromStack(stackName: string, options: FromStackOptions = {}): Promise<MailroomClient> {
    const { cloudFormationClient, ...rest } = options;
    const cfn = cloudFormationClient ?? new CloudFormationClient({});
    try {
      const outputs = await readStackOutputs(cfn, stackName, ['EmailQueueUrl', 'SmsQueueUrl']);
      const sqsClient = rest.sqsClient ?? new SQSClient(outputs.Region ? { region: outputs.Region } : {});
      return new MailroomClient({ ...rest, sqsClient, emailQueueUrl: outputs.EmailQueueUrl!, smsQueueUrl: outputs.SmsQueueUrl! });
    } finally {
      if (!cloudFormationClient) cfn.destroy();
    }
  }

  /** Validates and enqueues one message; throws InvalidMessageError (nothing enqueued) when the consumer would refuse it. */
  async send(message: MessageInput): Promise<{ id: string }> {
    const { id, channel, body } = prepare(message, 0);
    await this.sqs.send(new SendMessageCommand({ QueueUrl: this.queues[channel], MessageBody: body }));
    return { id };
  }

  /**
   * Validates every message first (one invalid message throws InvalidMessageError, its
   * reasons prefixed with the message's index, and nothing is enqueued), then enqueues them
   * with SendMessageBatch. Returns one result per message, in order: its id, or why SQS did
   * not take it.
   */
  async sendBatch(messages: readonly MessageInput[]): Promise<BatchEntryResult[]> {
    const prepared = prepareAll(messages);
    const results: BatchEntryResult[] = new Array(prepared.length);
    for (const channel of ['email', 'sms'] as const) {
      const { chunks, oversized } = chunkEntries(
        prepared.filter((p) => p.channel === channel),
        this.maxBatchBytes,
      );
      for (const p of oversized) {
        results[p.index] = {
          error: {
            id: p.id,
            code: 'message_too_large',
            message: `the body is ${p.bytes} bytes; one request carries at most ${this.maxBatchBytes}`,
            senderFault: true,
          },
        };
      }
      for (const chunk of chunks) await this.sendChunk(this.queues[channel], chunk, results);
    }
    return results;
  }

  /** Releases the SQS client's sockets (only matters for a client this object created). */
  destroy(): void {
    this.sqs.destroy();
  }

  private async sendChunk(queueUrl: string, chunk: readonly Prepared[], results: BatchEntryResult[]): Promise<void> {
    const entries = chunk.map((p) => ({ Id: String(p.index), MessageBody: p.body }));
    try {
      const { Successful = [], Failed = [] } = await this.sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
      const byIndex = new Map(chunk.map((p) => [String(p.index), p]));
      for (const ok of Successful) {
        const p = byIndex.get(ok.Id ?? '');
        if (p) results[p.index] = { id: p.id };
      }
      for (const failed of Failed) {
        const p = byIndex.get(failed.Id ?? '');
        if (p)
          results[p.index] = {
            error: { id: p.id, code: failed.Code ?? 'unknown', message: failed.Message ?? '', senderFault: failed.SenderFault ?? false },
          };
      }
      for (const p of chunk) {
        results[p.index] ??= {
          error: { id: p.id, code: 'no_result', message: 'SQS reported neither success nor failure for this entry', senderFault: false },
        };
      }
    } catch (error) {
      // The whole request failed (network, throttling, permissions): every entry in it is unsent.
      const { name, message } = error as Error;
      const senderFault = (error as { $fault?: string }).$fault === 'client';
      for (const p of chunk) results[p.index] = { error: { id: p.id, code: name, message, senderFault } };
    }
  }
}

function prepareAll(messages: readonly MessageInput[]): Prepared[] {
  const reasons: FieldReason[] = [];
  const prepared: Prepared[] = [];
  messages.forEach((message, index) => {
    try {
      prepared.push(prepare(message, index));
    } catch (error) {
      if (!(error instanceof InvalidMessageError)) throw error;
      reasons.push(...error.reasons.map((r) => ({ path: r.path ? `${index}.${r.path}` : String(index), message: r.message })));
    }
  });
  if (reasons.length > 0) throw new InvalidMessageError(reasons, '');
  return prepared;
}

/** The body exactly as it will be enqueued, validated the way the consumer validates it. */
function prepare(message: MessageInput, index: number): Prepared {
  let body: string;
  try {
    body = JSON.stringify(message);
  } catch (error) {
    throw new InvalidMessageError([{ path: '', message: `not serializable as JSON: ${(error as Error).message}` }], '');
  }
  const { id, message: validated } = validateMessage(body);
  return { index, id, channel: validated.channel, body, bytes: Buffer.byteLength(body, 'utf8') };
}
