/**
 * The local SMS outbox: where LocalSmsProvider "sends" SMS, and where `mailroom status` and
 * the dashboard (other processes) read them back.
 *
 * FileSmsOutbox is a JSON Lines file, one record per line. Each record is appended with a
 * single write() on a file opened O_APPEND, so concurrent writers (several handler processes)
 * never interleave within a line on a local filesystem, and a reader never needs a lock: a
 * line still being written when it reads is incomplete JSON and is skipped, as is any line
 * that is not a valid record.
 */
import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as z from 'zod';

export const smsOutboxRecordSchema = z.object({
  /** Our message id. */
  id: z.string().min(1),
  providerMessageId: z.string().min(1),
  to: z.string(),
  /** The sender ID or origination number used, when there was one. */
  from: z.string().optional(),
  body: z.string(),
  smsType: z.enum(['transactional', 'promotional']),
  segments: z.number().int().positive(),
  encoding: z.enum(['GSM-7', 'UCS-2']),
  maxPrice: z.number().positive().optional(),
  /** ISO-8601 UTC. */
  sentAt: z.iso.datetime(),
});

export type SmsOutboxRecord = z.infer<typeof smsOutboxRecordSchema>;

export interface SmsOutbox {
  append(record: SmsOutboxRecord): Promise<void>;
  /** Every record, oldest first. */
  list(): Promise<SmsOutboxRecord[]>;
  /** The latest record for our message id. */
  find(messageId: string): Promise<SmsOutboxRecord | undefined>;
}

export class FileSmsOutbox implements SmsOutbox {
  /** Appends from this process, in call order. */
  private queue: Promise<void> = Promise.resolve();
  private dirReady?: Promise<unknown>;

  constructor(readonly filePath: string) {}

  async append(record: SmsOutboxRecord): Promise<void> {
    const line = Buffer.from(`${JSON.stringify(smsOutboxRecordSchema.parse(record))}\n`, 'utf8');
    const write = async (): Promise<void> => {
      this.dirReady ??= mkdir(dirname(this.filePath), { recursive: true }).catch((error: unknown) => {
        this.dirReady = undefined; // try again on the next append
        throw error;
      });
      await this.dirReady;
      const handle = await open(this.filePath, 'a');
      try {
        let offset = 0;
        // One write for the whole line; the loop only matters if the kernel writes short.
        while (offset < line.length) offset += (await handle.write(line, offset)).bytesWritten;
      } finally {
        await handle.close();
      }
    };
    const result = this.queue.then(write);
    this.queue = result.catch(() => undefined);
    await result;
  }

  async list(): Promise<SmsOutboxRecord[]> {
    let text: string;
    try {
      text = await readFile(this.filePath, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return parseOutboxLines(text);
  }

  async find(messageId: string): Promise<SmsOutboxRecord | undefined> {
    return (await this.list()).findLast((r) => r.id === messageId);
  }
}

export function parseOutboxLines(text: string): SmsOutboxRecord[] {
  const records: SmsOutboxRecord[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      continue; // a line being written right now, or damaged: not a record
    }
    const parsed = smsOutboxRecordSchema.safeParse(json);
    if (parsed.success) records.push(parsed.data);
  }
  return records;
}

/** In-process outbox for tests and embedding. */
export class MemorySmsOutbox implements SmsOutbox {
  private readonly records: SmsOutboxRecord[] = [];

  async append(record: SmsOutboxRecord): Promise<void> {
    this.records.push(smsOutboxRecordSchema.parse(record));
  }

  async list(): Promise<SmsOutboxRecord[]> {
    return [...this.records];
  }

  async find(messageId: string): Promise<SmsOutboxRecord | undefined> {
    return this.records.findLast((r) => r.id === messageId);
  }
}
