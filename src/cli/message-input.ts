/**
 * Turns `send email` / `send sms` flags into a contract v1 message body (docs/contract.md §1),
 * the JSON a producer would put on the queue. Validation is not done here: the body goes
 * through the same `validateMessage` the send Lambda runs, so the CLI refuses exactly what
 * the pipeline would.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { detectMimeType } from 'nodemailer/lib/mime-funcs';
import type { EmailMessageInput, SmsMessageInput } from '../contract/message.js';
import { keyedObject } from '../contract/record.js';
import { UsageError } from './errors.js';

export interface EmailFlags {
  readonly from: string;
  readonly to?: readonly string[];
  readonly cc?: readonly string[];
  readonly bcc?: readonly string[];
  readonly replyTo?: readonly string[];
  readonly subject?: string;
  readonly text?: string;
  readonly html?: string;
  readonly attach?: readonly string[];
  readonly tag?: readonly string[];
  readonly meta?: readonly string[];
  readonly id?: string;
}

export interface SmsFlags {
  readonly to: string;
  readonly body: string;
  readonly from?: string;
  readonly smsType?: string;
  readonly tag?: readonly string[];
  readonly meta?: readonly string[];
  readonly id?: string;
}

/** `k=v` pairs → metadata. Values stay strings: the CLI cannot know a producer meant a number. */
export function parseMeta(pairs: readonly string[] = []): Record<string, string> | undefined {
  if (!pairs.length) return undefined;
  // Keys are the user's: `--meta __proto__=x` is a key like any other (no prototype to hit).
  const metadata = keyedObject<string>([]);
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--meta expects key=value, got "${pair}"`);
    metadata[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return metadata;
}

export function attachmentFromFile(path: string, cwd: string): { filename: string; contentType: string; content: string } {
  const full = resolve(cwd, path);
  let isFile = false;
  try {
    isFile = statSync(full).isFile();
  } catch {
    // reported below
  }
  if (!isFile) throw new UsageError(`--attach ${path}: no such file`);
  const filename = basename(full);
  return { filename, contentType: detectMimeType(filename), content: readFileSync(full).toString('base64') };
}

const list = (values: readonly string[] | undefined): string[] | undefined => (values?.length ? [...values] : undefined);

export function emailFromFlags(flags: EmailFlags, cwd: string): EmailMessageInput {
  const message: Record<string, unknown> = {
    channel: 'email',
    id: flags.id ?? randomUUID(),
    from: flags.from,
    to: list(flags.to),
    cc: list(flags.cc),
    bcc: list(flags.bcc),
    replyTo: list(flags.replyTo),
    subject: flags.subject,
    text: flags.text,
    html: flags.html,
    attachments: flags.attach?.length ? flags.attach.map((p) => attachmentFromFile(p, cwd)) : undefined,
    tags: list(flags.tag),
    metadata: parseMeta(flags.meta),
  };
  return JSON.parse(JSON.stringify(message)) as EmailMessageInput;
}

export function smsFromFlags(flags: SmsFlags): SmsMessageInput {
  const message: Record<string, unknown> = {
    channel: 'sms',
    id: flags.id ?? randomUUID(),
    to: flags.to,
    body: flags.body,
    from: flags.from,
    smsType: flags.smsType,
    tags: list(flags.tag),
    metadata: parseMeta(flags.meta),
  };
  return JSON.parse(JSON.stringify(message)) as SmsMessageInput;
}
