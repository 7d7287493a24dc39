/**
 * The SNS message envelope, validated with zod, in the field names of the HTTP/HTTPS JSON
 * format. Lambda SNS event records carry the same message with two fields spelled
 * differently; `envelopeFromLambdaRecord` maps them so everything downstream (signature
 * verification, normalizers, inbound) sees one shape.
 *
 * - Notification: https://docs.aws.amazon.com/sns/latest/dg/http-notification-json.html
 * - SubscriptionConfirmation: https://docs.aws.amazon.com/sns/latest/dg/http-subscription-confirmation-json.html
 * - UnsubscribeConfirmation: https://docs.aws.amazon.com/sns/latest/dg/http-unsubscribe-confirmation-json.html
 * - Lambda record: https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html
 */
import type { SNSEventRecord } from 'aws-lambda';
import * as z from 'zod';
import { parseTopicArn } from './arn.js';
import { SnsEnvelopeError } from './errors.js';

// SNS writes `Timestamp` as ISO-8601 UTC with milliseconds ("2012-04-26T20:45:04.751Z"). It
// is part of the signed string, so it is kept verbatim, never re-formatted.
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/;
const timestamp = z.string().refine((s) => ISO_UTC.test(s) && Number.isFinite(Date.parse(s)), 'not an ISO-8601 UTC timestamp');
const topicArn = z.string().refine((s) => parseTopicArn(s) !== undefined, 'not an SNS topic ARN');
const nonEmpty = z.string().min(1);

const signed = {
  MessageId: nonEmpty,
  TopicArn: topicArn,
  Message: z.string(),
  Timestamp: timestamp,
  // Kept as a string: an unknown version is a refusal (`unsupported_version`) at verification,
  // not a malformed envelope.
  SignatureVersion: nonEmpty,
  Signature: nonEmpty,
  SigningCertURL: nonEmpty,
};

const notificationSchema = z.object({
  Type: z.literal('Notification'),
  ...signed,
  // Absent from HTTP bodies when the publisher gave none; `null` in Lambda records. Either way
  // it is then left out of the string to sign, so both become "absent" here.
  Subject: z
    .string()
    .nullish()
    .transform((s) => s ?? undefined),
  UnsubscribeURL: nonEmpty,
  MessageAttributes: z.record(z.string(), z.object({ Type: z.string(), Value: z.string() })).optional(),
});

const confirmationFields = { ...signed, Token: nonEmpty, SubscribeURL: nonEmpty };
const subscriptionConfirmationSchema = z.object({ Type: z.literal('SubscriptionConfirmation'), ...confirmationFields });
const unsubscribeConfirmationSchema = z.object({ Type: z.literal('UnsubscribeConfirmation'), ...confirmationFields });

export const snsEnvelopeSchema = z.discriminatedUnion('Type', [
  notificationSchema,
  subscriptionConfirmationSchema,
  unsubscribeConfirmationSchema,
]);

export type SnsNotification = z.output<typeof notificationSchema>;
export type SnsSubscriptionConfirmation = z.output<typeof subscriptionConfirmationSchema>;
export type SnsUnsubscribeConfirmation = z.output<typeof unsubscribeConfirmationSchema>;
/** Short names, as the SNS documentation calls the three message types. */
export type Notification = SnsNotification;
export type SubscriptionConfirmation = SnsSubscriptionConfirmation;
export type UnsubscribeConfirmation = SnsUnsubscribeConfirmation;
export type SnsEnvelope = SnsNotification | SnsSubscriptionConfirmation | SnsUnsubscribeConfirmation;
export type SnsControlEnvelope = SnsSubscriptionConfirmation | SnsUnsubscribeConfirmation;

export const SNS_MESSAGE_TYPES = ['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation'] as const;

/**
 * Validates an SNS HTTP/JSON body (already parsed, or the raw JSON text). Also takes the `Sns`
 * object of a Lambda record (`SigningCertUrl` / `UnsubscribeUrl` spelling), so bodies saved
 * from either transport can be replayed. Throws `SnsEnvelopeError` on anything else.
 */
export function parseSnsEnvelope(input: unknown): SnsEnvelope {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input) as unknown;
    } catch (cause) {
      throw new SnsEnvelopeError('SNS body is not JSON', [], { cause });
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SnsEnvelopeError('SNS envelope must be a JSON object', []);
  }
  const result = snsEnvelopeSchema.safeParse(withHttpCasing(value as Record<string, unknown>));
  if (!result.success) {
    throw new SnsEnvelopeError(
      'not a valid SNS envelope',
      result.error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'Type'}: ${i.message}`),
    );
  }
  return result.data;
}

/**
 * Lambda SNS event record → the same envelope. Lambda spells two fields `SigningCertUrl` and
 * `UnsubscribeUrl` (HTTP: `SigningCertURL`, `UnsubscribeURL`) and sends `"Subject": null` when
 * there is none. The signed values are identical, so the signature verifies the same way.
 */
export function envelopeFromLambdaRecord(record: SNSEventRecord): SnsEnvelope {
  const r = record as Partial<SNSEventRecord> | null | undefined;
  if (!r || typeof r !== 'object' || r.EventSource !== 'aws:sns' || typeof r.Sns !== 'object' || r.Sns === null) {
    throw new SnsEnvelopeError('not a Lambda SNS event record', ['EventSource: expected "aws:sns" with an Sns object']);
  }
  return parseSnsEnvelope(r.Sns);
}

function withHttpCasing(value: Record<string, unknown>): Record<string, unknown> {
  if (!('SigningCertUrl' in value) && !('UnsubscribeUrl' in value)) return value;
  const { SigningCertUrl, UnsubscribeUrl, ...rest } = value;
  return {
    ...rest,
    SigningCertURL: rest['SigningCertURL'] ?? SigningCertUrl,
    ...(rest['UnsubscribeURL'] !== undefined || UnsubscribeUrl !== undefined
      ? { UnsubscribeURL: rest['UnsubscribeURL'] ?? UnsubscribeUrl }
      : {}),
  };
}
