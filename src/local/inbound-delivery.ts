/**
 * Local stand-in for SES email receiving with an S3 action: stores the raw message in the
 * inbound bucket under `<objectKeyPrefix><SES message id>` and returns the receipt
 * notification SES would then publish
 * (https://docs.aws.amazon.com/ses/latest/dg/receiving-email-notifications-contents.html).
 * Locally nothing scans the mail, so every verdict is PASS; `mail.headers` are the message's
 * own header lines, unfolded, as SES reports them.
 */
import { randomBytes } from 'node:crypto';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import addressparser from 'nodemailer/lib/addressparser/index.js';
import { MailroomError } from '../errors.js';

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
}

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

export async function deliverLocalInbound(input: LocalInboundInput): Promise<Record<string, unknown>> {
  if (!input.recipients.length) throw new LocalInboundError('at least one envelope recipient is needed');
  const headers = headerLines(input.raw);
  const header = (name: string) => headers.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;
  const fromHeader = header('From');
  const source = input.envelopeSender ?? (fromHeader ? addressparser(fromHeader, { flatten: true })[0]?.address : undefined);
  if (!source) throw new LocalInboundError('the message has no From header: give the envelope sender explicitly');
  const messageId = sesInboundMessageId();
  const objectKey = `${input.objectKeyPrefix}${messageId}`;
  await input.s3.send(new PutObjectCommand({ Bucket: input.bucket, Key: objectKey, Body: input.raw, ContentType: 'message/rfc822' }));
  const now = input.now ?? new Date();
  const pass = { status: 'PASS' };
  return {
    notificationType: 'Received',
    receipt: {
      timestamp: now.toISOString(),
      processingTimeMillis: 0,
      recipients: [...input.recipients],
      spamVerdict: pass,
      virusVerdict: pass,
      spfVerdict: pass,
      dkimVerdict: pass,
      dmarcVerdict: pass,
      action: {
        type: 'S3',
        ...(input.topicArn ? { topicArn: input.topicArn } : {}),
        bucketName: input.bucket,
        objectKeyPrefix: input.objectKeyPrefix,
        objectKey,
      },
    },
    mail: {
      timestamp: now.toISOString(),
      source,
      messageId,
      destination: [...input.recipients],
      headersTruncated: false,
      headers,
      commonHeaders: {
        returnPath: source,
        ...(fromHeader ? { from: [fromHeader] } : {}),
        ...(header('To') ? { to: [header('To')] } : {}),
        ...(header('Date') ? { date: header('Date') } : {}),
        ...(header('Message-ID') ? { messageId: header('Message-ID') } : {}),
        ...(header('Subject') !== undefined ? { subject: header('Subject') } : {}),
      },
    },
  };
}
