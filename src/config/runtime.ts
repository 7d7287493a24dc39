/**
 * Lambda runtime configuration: the environment variables the CDK constructs set, read and
 * validated once at module scope in each handler. Domain code never reads process.env; it
 * gets these values passed in.
 */
import * as z from 'zod';
import { ConfigError } from '../errors.js';

export const ENV = {
  messagesTable: 'MAILROOM_MESSAGES_TABLE',
  eventsTable: 'MAILROOM_EVENTS_TABLE',
  inboundTable: 'MAILROOM_INBOUND_TABLE',
  suppressionsTable: 'MAILROOM_SUPPRESSIONS_TABLE',
  /** Bucket for large raw event payloads and inbound mail/attachments. */
  payloadBucket: 'MAILROOM_PAYLOAD_BUCKET',
  inboundBucket: 'MAILROOM_INBOUND_BUCKET',
  configurationSet: 'MAILROOM_SES_CONFIGURATION_SET',
  /** The queue a send Lambda consumes (for visibility-timeout backoff) and its DLQ (for poison messages with their reason). */
  queueUrl: 'MAILROOM_QUEUE_URL',
  dlqUrl: 'MAILROOM_DLQ_URL',
  emailProvider: 'MAILROOM_EMAIL_PROVIDER',
  smsProvider: 'MAILROOM_SMS_PROVIDER',
  /** Max sends per second per provider for one Lambda instance (the in-handler limiter). */
  maxSendRate: 'MAILROOM_MAX_SEND_RATE',
  /** Receive count after which SQS moves a message to the DLQ (so the handler marks it failed). */
  maxReceiveCount: 'MAILROOM_MAX_RECEIVE_COUNT',
  /** Base and cap of the exponential backoff applied through the visibility timeout, seconds. */
  backoffBaseSeconds: 'MAILROOM_BACKOFF_BASE_SECONDS',
  backoffMaxSeconds: 'MAILROOM_BACKOFF_MAX_SECONDS',
  ignoreUnsupportedFeatures: 'MAILROOM_IGNORE_UNSUPPORTED_FEATURES',
  /** Comma-separated SNS topic ARNs whose tracking events (SES events, identity feedback) the tracking handlers accept. */
  allowedTopicArns: 'MAILROOM_ALLOWED_TOPIC_ARNS',
  /** Comma-separated SNS topic ARNs whose SES receipt notifications the inbound Lambda and the tracking HTTPS endpoint accept. */
  inboundAllowedTopicArns: 'MAILROOM_INBOUND_ALLOWED_TOPIC_ARNS',
  /** Comma-separated reasons that add an address to the suppression list. */
  suppressOn: 'MAILROOM_SUPPRESS_ON',
  inboundMaxBytes: 'MAILROOM_INBOUND_MAX_BYTES',
  /** SNS topic that receives compact "inbound received" events for applications. */
  inboundEventsTopicArn: 'MAILROOM_INBOUND_EVENTS_TOPIC_ARN',
  smsDefaultSenderId: 'MAILROOM_SMS_SENDER_ID',
  smsDefaultOriginationNumber: 'MAILROOM_SMS_ORIGINATION_NUMBER',
  // Send policy (src/send/policy): what the operator allows, checked before any provider call.
  /** Comma-separated allowed From addresses or IAM StringLike patterns (`*@notify.acme.io`); empty allows any. */
  emailAllowedFrom: 'MAILROOM_EMAIL_ALLOWED_FROM',
  /** Comma-separated ISO 3166-1 alpha-2 regions SMS may go to; empty allows any. */
  smsAllowedCountries: 'MAILROOM_SMS_ALLOWED_COUNTRIES',
  /** USD: MaxPrice for SMS that name none, and the most a message may name. */
  smsDefaultMaxPrice: 'MAILROOM_SMS_DEFAULT_MAX_PRICE',
  smsMaxPriceCeiling: 'MAILROOM_SMS_MAX_PRICE_CEILING',
  /** Destination-range hold: national digits of a range, messages per range per window (this instance's share; 0 = off), window seconds. */
  smsRangeDigits: 'MAILROOM_SMS_RANGE_DIGITS',
  smsRangeLimit: 'MAILROOM_SMS_RANGE_LIMIT',
  smsRangeWindowSeconds: 'MAILROOM_SMS_RANGE_WINDOW_SECONDS',
  // Security guardrails (issue 8, infrastructure).
  /** Comma-separated `bucket=account` pairs: the ExpectedBucketOwner of each attachment bucket. */
  attachmentBucketOwners: 'MAILROOM_ATTACHMENT_BUCKET_OWNERS',
  /** Days items are kept (DynamoDB TTL attribute `expiresAt`); absent keeps them forever. */
  messagesRetentionDays: 'MAILROOM_MESSAGES_RETENTION_DAYS',
  eventsRetentionDays: 'MAILROOM_EVENTS_RETENTION_DAYS',
  inboundRetentionDays: 'MAILROOM_INBOUND_RETENTION_DAYS',
} as const;

export const SUPPRESSION_REASONS = ['hardBounce', 'complaint', 'unsubscribe'] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

const list = z
  .string()
  .optional()
  .transform((v) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : []));
const bool = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((v) => v === 'true' || v === '1');

export const runtimeConfigSchema = z.object({
  [ENV.messagesTable]: z.string().min(1),
  [ENV.eventsTable]: z.string().min(1).optional(),
  [ENV.inboundTable]: z.string().min(1).optional(),
  [ENV.suppressionsTable]: z.string().min(1),
  [ENV.payloadBucket]: z.string().min(1).optional(),
  [ENV.inboundBucket]: z.string().min(1).optional(),
  [ENV.configurationSet]: z.string().min(1).optional(),
  [ENV.queueUrl]: z.string().optional(),
  [ENV.dlqUrl]: z.string().optional(),
  [ENV.emailProvider]: z.string().default('ses'),
  [ENV.smsProvider]: z.string().default('sns'),
  [ENV.maxSendRate]: z.coerce.number().positive().default(14),
  [ENV.maxReceiveCount]: z.coerce.number().int().min(1).default(5),
  [ENV.backoffBaseSeconds]: z.coerce.number().int().min(1).default(30),
  [ENV.backoffMaxSeconds]: z.coerce.number().int().min(1).max(43_200).default(900),
  [ENV.ignoreUnsupportedFeatures]: bool,
  [ENV.allowedTopicArns]: list,
  [ENV.inboundAllowedTopicArns]: list,
  [ENV.suppressOn]: z
    .string()
    .optional()
    .transform((v) => (v === undefined ? [...SUPPRESSION_REASONS] : v.split(',').map((s) => s.trim()).filter(Boolean)))
    .pipe(z.array(z.enum(SUPPRESSION_REASONS))),
  [ENV.inboundMaxBytes]: z.coerce.number().int().positive().default(40 * 1024 * 1024),
  [ENV.inboundEventsTopicArn]: z.string().optional(),
  [ENV.smsDefaultSenderId]: z.string().optional(),
  [ENV.smsDefaultOriginationNumber]: z.string().optional(),
  [ENV.emailAllowedFrom]: list,
  [ENV.smsAllowedCountries]: list.pipe(z.array(z.string().regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2 region codes (GB, US, ...)'))),
  [ENV.smsDefaultMaxPrice]: z.coerce.number().positive().optional(),
  [ENV.smsMaxPriceCeiling]: z.coerce.number().positive().optional(),
  [ENV.smsRangeDigits]: z.coerce.number().int().min(1).max(12).default(6),
  [ENV.smsRangeLimit]: z.coerce.number().int().min(0).default(0),
  [ENV.smsRangeWindowSeconds]: z.coerce.number().int().min(1).max(86_400).default(600),
  [ENV.attachmentBucketOwners]: list.pipe(z.array(z.string().regex(/^[a-z0-9.-]{3,63}=\d{12}$/, 'bucket=12-digit account id')))
    .transform((pairs) => Object.fromEntries(pairs.map((p) => p.split('=') as [string, string]))),
  [ENV.messagesRetentionDays]: z.coerce.number().int().positive().optional(),
  [ENV.eventsRetentionDays]: z.coerce.number().int().positive().optional(),
  [ENV.inboundRetentionDays]: z.coerce.number().int().positive().optional(),
});

export type RuntimeEnv = z.output<typeof runtimeConfigSchema>;

/** Reads and validates the environment; throws one error listing every problem. */
export function readRuntimeEnv(env: NodeJS.ProcessEnv): RuntimeEnv {
  const result = runtimeConfigSchema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  return result.data;
}
