/**
 * Test doubles for the send pipeline's edges that are not ours to run for real in a test: the
 * provider (scripted to fail transiently, permanently or by throttling, then succeed), and for
 * unit tests the SQS operations, metrics and logger. Stores, queues and the handler are real in
 * the integration tests.
 */
import type { SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import type { EmailMessage, SmsMessage } from '../../src/contract/message.js';
import { PermanentProviderError, TransientProviderError } from '../../src/providers/errors.js';
import type { EmailCapabilities, EmailProvider, SendContext, SendResult, SmsCapabilities, SmsProvider } from '../../src/providers/types.js';
import type { OutgoingMessage, SendQueuePort } from '../../src/send/queue.js';
import type { LoggerPort, MetricsPort, ProviderLookup, SendMetric } from '../../src/send/types.js';

export type Step = 'ok' | Error | ((n: number) => SendResult | Error);

export const transient = (code = 'provider_error') =>
  new TransientProviderError(`scripted transient failure (${code})`, { provider: 'scripted', code });
export const throttled = () =>
  new TransientProviderError('scripted: maximum sending rate exceeded', { provider: 'scripted', code: 'throttled', statusCode: 429 });
export const permanent = (code = 'message_rejected') =>
  new PermanentProviderError(`scripted permanent failure (${code})`, { provider: 'scripted', code, statusCode: 400 });

const EMAIL_CAPS: EmailCapabilities = {
  attachments: true,
  inlineImages: true,
  customHeaders: true,
  envelopeSender: true,
  amp: true,
  storedTemplates: true,
  inlineTemplates: true,
  mergeData: true,
  tags: true,
  trackingOverrides: true,
  sendAt: false,
};
const SMS_CAPS: SmsCapabilities = { senderId: true, originationNumber: true, maxPrice: true, mms: true, promotional: true, sendAt: false };

abstract class Scripted<M> {
  readonly calls: { message: M; ctx: SendContext }[] = [];
  constructor(
    readonly name: string,
    private readonly script: Step[] = [],
  ) {}

  protected abstract recipientsOf(message: M): string[];
  protected fansOut(_message: M): boolean {
    return false;
  }

  async send(message: M, ctx: SendContext): Promise<SendResult> {
    this.calls.push({ message, ctx });
    const n = this.calls.length;
    const step = this.script[n - 1] ?? 'ok';
    const outcome = typeof step === 'function' ? step(n) : step;
    if (outcome instanceof Error) throw outcome;
    if (outcome !== 'ok') return outcome;
    const providerMessageId = `${this.name}-${ctx.messageId}-${n}`;
    // Like a fan-out (bulk) adapter: recipients an earlier attempt settled are not sent again.
    const skip = new Set(this.fansOut(message) ? (ctx.settledRecipients ?? []) : []);
    const recipients = this.recipientsOf(message).filter((r) => !skip.has(r));
    return {
      provider: this.name,
      providerMessageId,
      recipients: Object.fromEntries(recipients.map((r) => [r, { status: 'queued' as const, providerMessageId }])),
    };
  }
}

export class ScriptedEmailProvider extends Scripted<EmailMessage> implements EmailProvider {
  readonly capabilities = EMAIL_CAPS;
  protected recipientsOf(m: EmailMessage): string[] {
    return [...(m.to ?? []), ...(m.cc ?? []), ...(m.bcc ?? [])].map((r) => r.address.toLowerCase());
  }
  protected override fansOut(m: EmailMessage): boolean {
    return m.mergeData !== undefined;
  }
}

export class ScriptedSmsProvider extends Scripted<SmsMessage> implements SmsProvider {
  readonly capabilities = SMS_CAPS;
  protected recipientsOf(m: SmsMessage): string[] {
    return [m.to];
  }
}

export function providerLookup(providers: { email?: EmailProvider[]; sms?: SmsProvider[] }): ProviderLookup {
  return {
    email: (name) => providers.email?.find((p) => p.name === name),
    sms: (name) => providers.sms?.find((p) => p.name === name),
  };
}

export class RecordingQueue implements SendQueuePort {
  readonly visibility: { receiptHandle: string; seconds: number }[] = [];
  readonly requeued: OutgoingMessage[] = [];
  readonly deadLettered: OutgoingMessage[] = [];
  async changeVisibility(receiptHandle: string, seconds: number): Promise<void> {
    this.visibility.push({ receiptHandle, seconds });
  }
  async requeue(message: OutgoingMessage): Promise<void> {
    this.requeued.push(message);
  }
  async deadLetter(message: OutgoingMessage): Promise<void> {
    this.deadLettered.push(message);
  }
}

export class RecordingMetrics implements MetricsPort {
  readonly counts: Partial<Record<SendMetric, number>> = {};
  count(name: SendMetric, value = 1): void {
    this.counts[name] = (this.counts[name] ?? 0) + value;
  }
}

export class RecordingLogger implements LoggerPort {
  readonly lines: { level: string; message: string; extra?: Record<string, unknown> }[] = [];
  debug = (message: string, extra?: Record<string, unknown>) => void this.lines.push({ level: 'debug', message, extra });
  info = (message: string, extra?: Record<string, unknown>) => void this.lines.push({ level: 'info', message, extra });
  warn = (message: string, extra?: Record<string, unknown>) => void this.lines.push({ level: 'warn', message, extra });
  error = (message: string, extra?: Record<string, unknown>) => void this.lines.push({ level: 'error', message, extra });
}

let sqsIds = 0;

/** An SQS record as Lambda delivers it, for unit tests (integration tests receive real ones). */
export function sqsRecord(
  body: unknown,
  opts: { receiveCount?: number; sentTimestamp?: number; messageAttributes?: SQSMessageAttributes } = {},
): SQSRecord {
  const n = ++sqsIds;
  return {
    messageId: `sqs-${n}`,
    receiptHandle: `rh-${n}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: String(opts.receiveCount ?? 1),
      SentTimestamp: String(opts.sentTimestamp ?? Date.now()),
      SenderId: 'AIDEXAMPLE',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: opts.messageAttributes ?? {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:mailroom-email',
    awsRegion: 'us-east-1',
  };
}

export const stringAttribute = (value: string) => ({ stringValue: value, stringListValues: [], binaryListValues: [], dataType: 'String' });
