/**
 * SES email-receiving notifications (`notificationType: "Received"`), validated with zod.
 *
 * Format: https://docs.aws.amazon.com/ses/latest/dg/receiving-email-notifications-contents.html
 * Examples: https://docs.aws.amazon.com/ses/latest/dg/receiving-email-notifications-examples.html
 *
 * Quirks this schema absorbs:
 * - The S3 action's notification carries no mail content, only `bucketName` / `objectKey`
 *   (= `objectKeyPrefix` + SES message id). The SNS action carries the mail in `content`
 *   (mail up to 150 KB) and says how it is encoded in `action.encoding`; the doc's own example
 *   omits `encoding`, and SES's default for that action is UTF8, so absent means UTF8.
 * - Verdict statuses are kept as strings: a status SES adds tomorrow must not make a genuine
 *   mail unreadable. `verdicts.ts` maps the known ones and leaves the rest absent.
 * - `mail.headers` / `commonHeaders` are optional (`headersTruncated` says when SES cut them):
 *   we parse headers from the MIME itself, never from the notification.
 */
import * as z from 'zod';
import { InvalidReceiptNotificationError } from './errors.js';

// SES message ids are lower-case alphanumerics; the local pipeline makes its own. The id ends
// up in S3 keys and DynamoDB keys, so anything that could act as a path separator is refused.
export const INBOUND_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/;

const isoTimestamp = z.string().refine((s) => Number.isFinite(Date.parse(s)), 'not an ISO-8601 timestamp');
const verdict = z.object({ status: z.string() }).optional();

const s3Action = z.object({
  type: z.literal('S3'),
  bucketName: z.string().min(1),
  objectKeyPrefix: z.string().optional(),
  objectKey: z.string().min(1),
  topicArn: z.string().optional(),
  kmsKeyArn: z.string().optional(),
});

const snsAction = z.object({
  type: z.literal('SNS'),
  topicArn: z.string().optional(),
  encoding: z.enum(['UTF8', 'BASE64']).default('UTF8'),
});

export const receiptNotificationSchema = z
  .object({
    notificationType: z.literal('Received'),
    receipt: z.object({
      timestamp: isoTimestamp,
      processingTimeMillis: z.number().optional(),
      /** Envelope RCPT TO addresses that matched the receipt rule (all of them, not just the first). */
      recipients: z.array(z.string().min(1)).min(1),
      spamVerdict: verdict,
      virusVerdict: verdict,
      spfVerdict: verdict,
      dkimVerdict: verdict,
      dmarcVerdict: verdict,
      dmarcPolicy: z.string().optional(),
      action: z.discriminatedUnion('type', [s3Action, snsAction]),
    }),
    mail: z.object({
      timestamp: isoTimestamp,
      /** Envelope MAIL FROM (the return path), not the From header. */
      source: z.string(),
      messageId: z.string().regex(INBOUND_ID_PATTERN, 'not an SES message id'),
      destination: z.array(z.string()).default([]),
      headersTruncated: z.boolean().optional(),
      headers: z.array(z.object({ name: z.string(), value: z.string() })).optional(),
      commonHeaders: z.record(z.string(), z.unknown()).optional(),
    }),
    /** Raw MIME; only present for the SNS action. */
    content: z.string().optional(),
  })
  .superRefine((n, ctx) => {
    if (n.receipt.action.type === 'SNS' && n.content === undefined) {
      ctx.addIssue({ code: 'custom', path: ['content'], message: 'an SNS-action notification must carry the mail content' });
    }
  });

export type ReceiptNotification = z.output<typeof receiptNotificationSchema>;
export type ReceiptAction = ReceiptNotification['receipt']['action'];
export type S3ReceiptAction = Extract<ReceiptAction, { type: 'S3' }>;

/**
 * True when a parsed SNS `Message` is an SES receipt notification. The tracking pipeline's
 * HTTPS endpoint and `mailroom replay` use it to route to `ingestReceiptNotification`.
 */
export function isReceiptNotification(message: unknown): boolean {
  return typeof message === 'object' && message !== null && (message as { notificationType?: unknown }).notificationType === 'Received';
}

/** Validates a notification (object or JSON text); throws `InvalidReceiptNotificationError`. */
export function parseReceiptNotification(input: unknown): ReceiptNotification {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input) as unknown;
    } catch (cause) {
      throw new InvalidReceiptNotificationError(['(root): not JSON'], { cause });
    }
  }
  const result = receiptNotificationSchema.safeParse(value);
  if (!result.success) {
    throw new InvalidReceiptNotificationError(
      result.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`),
    );
  }
  return result.data;
}
