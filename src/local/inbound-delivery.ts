/**
 * Local stand-in for SES email receiving with an S3 action: stores the raw message in the
 * inbound bucket under `<objectKeyPrefix><SES message id>` and returns the receipt
 * notification SES would then publish (built by src/inbound/simulate.ts, the one module that
 * writes the SES format).
 *
 * Verdicts: the deployed receipt rule scans every message (spam and virus scanning on), so
 * SES always reports verdicts there. Locally nothing scans, and the default stands in for a
 * clean scan (PASS everywhere), which is what the pipeline sees for ordinary mail; pass other
 * verdicts (e.g. virus FAIL, to watch attachments go to quarantine) explicitly.
 */
import { randomBytes } from 'node:crypto';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import addressparser from 'nodemailer/lib/addressparser/index.js';
import type { Verdict } from '../contract/records.js';
import { MailroomError } from '../errors.js';
import type { ReceiptNotification } from '../inbound/notification.js';
import { simulatedS3Receipt } from '../inbound/simulate.js';

export class LocalInboundError extends MailroomError {}

export interface LocalInboundInput {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly objectKeyPrefix: string;
  readonly raw: Buffer;
  /** Envelope recipients (RCPT TO). */
  readonly recipients: readonly string[];
  /** Envelope sender (MAIL FROM); default: the From header's address. */
  readonly envelopeSender?: string;
  readonly topicArn?: string;
  readonly now?: Date;
  /** Scan results to report; each defaults to PASS. */
  readonly verdicts?: Partial<Record<VerdictName, Verdict>>;
}

export const VERDICT_NAMES = ['spam', 'virus', 'spf', 'dkim', 'dmarc'] as const;
export type VerdictName = (typeof VERDICT_NAMES)[number];
const LOCAL_VERDICTS: Record<VerdictName, Verdict> = { spam: 'PASS', virus: 'PASS', spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' };

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** An id shaped like SES's inbound message ids: 40 lower-case alphanumerics. */
export function sesInboundMessageId(): string {
  return [...randomBytes(40)].map((b) => ALPHABET[b % ALPHABET.length]).join('');
}

/** The header block's lines, unfolded (RFC 5322 §2.2.3), as {name, value}. Stops at the first empty line. */
export function headerLines(raw: Buffer): { name: string; value: string }[] {
  const head = raw.subarray(0, Math.min(raw.length, 256 * 1024)).toString('latin1');
  const end = head.search(/\r?\n\r?\n/);
  const block = end >= 0 ? head.slice(0, end) : head;
  const headers: { name: string; value: string }[] = [];
  for (const line of block.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && headers.length) {
      headers[headers.length - 1]!.value += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon > 0) headers.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
  }
  return headers;
}

export async function deliverLocalInbound(input: LocalInboundInput): Promise<ReceiptNotification> {
  if (!input.recipients.length) throw new LocalInboundError('at least one envelope recipient is needed');
  const fromHeader = headerLines(input.raw).find((h) => h.name.toLowerCase() === 'from')?.value;
  const envelopeSender = input.envelopeSender ?? (fromHeader ? addressparser(fromHeader, { flatten: true })[0]?.address : undefined);
  if (envelopeSender === undefined) throw new LocalInboundError('the message has no From header: give the envelope sender explicitly');
  const messageId = sesInboundMessageId();
  await input.s3.send(
    new PutObjectCommand({
      Bucket: input.bucket,
      Key: `${input.objectKeyPrefix}${messageId}`,
      Body: input.raw,
      ContentType: 'message/rfc822',
    }),
  );
  return simulatedS3Receipt({
    messageId,
    bucket: input.bucket,
    objectKeyPrefix: input.objectKeyPrefix,
    recipients: input.recipients,
    envelopeSender,
    ...(input.now ? { receivedAt: input.now } : {}),
    ...(input.topicArn ? { topicArn: input.topicArn } : {}),
    verdicts: { ...LOCAL_VERDICTS, ...input.verdicts },
  });
}
