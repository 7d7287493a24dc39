/**
 * Names of the Lambda environment variables. Written by src/config/lambda-env.ts (from the
 * resolved configuration) and lib/ (resource names), read by src/config/runtime.ts.
 */
export const ENV = {
  messagesTable: 'MAILROOM_MESSAGES_TABLE',
  eventsTable: 'MAILROOM_EVENTS_TABLE',
  inboundTable: 'MAILROOM_INBOUND_TABLE',
  suppressionsTable: 'MAILROOM_SUPPRESSIONS_TABLE',
  /** Bucket for large raw event payloads and inbound mail/attachments. */
  payloadBucket: 'MAILROOM_PAYLOAD_BUCKET',
  inboundBucket: 'MAILROOM_INBOUND_BUCKET',
  /** The queue a send Lambda consumes (for visibility-timeout backoff) and its DLQ (for poison messages with their reason). */
  queueUrl: 'MAILROOM_QUEUE_URL',
  dlqUrl: 'MAILROOM_DLQ_URL',
  /** CloudWatch namespace of the function's metrics (`operations.metricsNamespace`); Powertools reads this name. */
  metricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
  /** Send: the instance a message goes to when it names none (`<channel>.provider`). */
  defaultProvider: 'MAILROOM_DEFAULT_PROVIDER',
  /** Send: JSON array of the channel's provider instances `{name, kind, secret?, live?, options}`. */
  providers: 'MAILROOM_PROVIDERS',
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
  /** Days items are kept (DynamoDB TTL attribute `expiresAt`); `null` keeps them forever. */
  messagesRetentionDays: 'MAILROOM_MESSAGES_RETENTION_DAYS',
  eventsRetentionDays: 'MAILROOM_EVENTS_RETENTION_DAYS',
  inboundRetentionDays: 'MAILROOM_INBOUND_RETENTION_DAYS',
} as const;
