/**
 * Local SMS delivery receipts. In AWS, SNS writes a delivery-status log entry for every SMS
 * to CloudWatch Logs (`sns/<region>/<account>/DirectPublishToPhoneNumber`), and a
 * subscription filter invokes the SMS-status Lambda with it
 * (https://docs.aws.amazon.com/sns/latest/dg/sms_stats_cloudwatch.html). Locally the "phone"
 * is the outbox file LocalSmsProvider appends to, so this watcher tails it and, for every new
 * SMS, builds the SUCCESS entry SNS would log and delivers it wrapped exactly as a
 * subscription filter does (`{awslogs: {data: base64(gzip(...))}}`) to the same handler.
 * Every local SMS is delivered: the outbox has no failure mode to report.
 */
import { open, stat } from 'node:fs/promises';
import { parseOutboxLines, type SmsOutboxRecord } from '../providers/sms/outbox.js';
import { encodeLogsEvent } from '../tracking/cloudwatch-logs.js';
import { TickLoop } from './tick-loop.js';

export interface SmsReceiptWatcherOptions {
  readonly outboxPath: string;
  readonly region: string;
  /** Receives what a CloudWatch Logs subscription filter would send the SMS-status Lambda. */
  readonly deliver: (event: { awslogs: { data: string } }) => Promise<void>;
  /** @default 300 */
  readonly intervalMs?: number;
  readonly onError?: (error: unknown) => void;
  readonly onDelivered?: (record: SmsOutboxRecord) => void;
}

/** "2016-06-28 00:40:34.558": the UTC timestamp format of SNS SMS delivery logs. */
export function snsLogTimestamp(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

/** The SNS SMS delivery-status log entry for a delivered SMS (shape from the SNS docs' examples). */
export function deliveryLogEntry(record: SmsOutboxRecord, deliveredAt: Date): Record<string, unknown> {
  return {
    notification: { messageId: record.providerMessageId, timestamp: snsLogTimestamp(new Date(record.sentAt)) },
    delivery: {
      phoneCarrier: 'Mailroom local outbox',
      mnc: 0,
      numberOfMessageParts: record.segments,
      destination: record.to,
      priceInUSD: 0,
      smsType: record.smsType === 'promotional' ? 'Promotional' : 'Transactional',
      mcc: 0,
      providerResponse: 'Message has been accepted by phone carrier',
      dwellTimeMs: Math.max(0, deliveredAt.getTime() - new Date(record.sentAt).getTime()),
      dwellTimeMsUntilDeviceAck: Math.max(0, deliveredAt.getTime() - new Date(record.sentAt).getTime()),
    },
    status: 'SUCCESS',
  };
}

export function logsEventFor(records: readonly SmsOutboxRecord[], region: string, now: Date): { awslogs: { data: string } } {
  return encodeLogsEvent({
    messageType: 'DATA_MESSAGE',
    owner: '000000000000',
    logGroup: `sns/${region}/000000000000/DirectPublishToPhoneNumber`,
    logStream: 'local-outbox',
    subscriptionFilters: ['mailroom-sms-status'],
    logEvents: records.map((r) => ({
      id: r.providerMessageId,
      timestamp: now.getTime(),
      message: JSON.stringify(deliveryLogEntry(r, now)),
    })),
  });
}

export class SmsReceiptWatcher {
  private offset = 0;
  private partial: Buffer = Buffer.alloc(0);
  /** Records read but not yet delivered (the handler failed): retried on the next tick. */
  private pending: SmsOutboxRecord[] = [];
  private readonly loop: TickLoop;

  constructor(private readonly opts: SmsReceiptWatcherOptions) {
    this.loop = new TickLoop({ tick: () => this.tick(), intervalMs: opts.intervalMs ?? 300, onError: opts.onError });
  }

  start(): this {
    this.loop.start();
    return this;
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Reads lines appended since the last tick and delivers their receipts. */
  async tick(): Promise<void> {
    this.pending.push(...(await this.readNew()));
    if (!this.pending.length) return;
    const batch = this.pending;
    await this.opts.deliver(logsEventFor(batch, this.opts.region, new Date()));
    this.pending = [];
    for (const r of batch) this.opts.onDelivered?.(r);
  }

  private async readNew(): Promise<SmsOutboxRecord[]> {
    let size: number;
    try {
      size = (await stat(this.opts.outboxPath)).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    if (size < this.offset) {
      // The file was replaced (a new outbox): start from its beginning.
      this.offset = 0;
      this.partial = Buffer.alloc(0);
    }
    if (size === this.offset) return [];
    const handle = await open(this.opts.outboxPath, 'r');
    try {
      const buffer = Buffer.alloc(size - this.offset);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, this.offset);
      this.offset += bytesRead;
      const bytes = Buffer.concat([this.partial, buffer.subarray(0, bytesRead)]);
      const end = bytes.lastIndexOf(0x0a) + 1;
      // A line without its newline is still being written: keep its bytes (split characters
      // included) for the next tick.
      this.partial = bytes.subarray(end);
      return parseOutboxLines(bytes.subarray(0, end).toString('utf8'));
    } finally {
      await handle.close();
    }
  }
}
