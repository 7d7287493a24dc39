/**
 * The deployment configuration of a Mailroom stack, as the constructs receive it: every field
 * resolved (defaults applied) and validated. Read from the `mailroom` key of the CDK context
 * (cdk.json or `-c mailroom='{...}'`) and/or passed as props; see lib/config.ts.
 */
import type { SuppressionReason } from '../src/config/runtime.js';

export type EmailProviderName = 'ses';
export type SmsProviderName = 'sns';

export interface SesConfig {
  /** Domain the application sends from; must be covered by `identities`. @default 'example.com' */
  readonly fromDomain: string;
  /**
   * SES identities (domains and/or email addresses) the send Lambda may send as. IAM is scoped
   * to exactly these identity ARNs. In the SES sandbox, SES also authorizes each recipient's
   * verified identity, so list test recipients here too. @default [fromDomain]
   */
  readonly identities: readonly string[];
  /** Name of the SES configuration set this stack creates and every send uses. @default stackName */
  readonly configurationSetName: string;
  /**
   * Stored SES template names the send Lambda may use ('*' = any template in the account and
   * region). None by default: no template permission unless listed. @default []
   */
  readonly templates: readonly string[];
  /** Outbound TLS: 'require' makes SES refuse to deliver over unencrypted connections. @default 'optional' */
  readonly tlsPolicy: 'optional' | 'require';
}

export interface ChannelConfig<P extends string> {
  /** Adapter the send Lambda uses when a message does not name one. */
  readonly provider: P;
  /**
   * Account-wide send rate for this channel, messages per second (your SES MaxSendRate, or
   * the SNS SMS rate). Split evenly across `maxConcurrency` Lambda instances.
   */
  readonly maxSendRate: number;
  /** SQS event source maximum concurrency (2-1000): the number of concurrent send Lambdas. @default 2 */
  readonly maxConcurrency: number;
  /** Messages per Lambda invocation (1-10). @default 10 */
  readonly batchSize: number;
}

export interface EmailConfig extends ChannelConfig<EmailProviderName> {
  /**
   * From addresses (or IAM StringLike patterns, `*@notify.acme.io`) producers may send as:
   * enforced by the send Lambda (refusal `from_not_allowed`) and by an `ses:FromAddress`
   * condition on its role. Empty: any address of `ses.identities` (the synth warns). @default []
   */
  readonly allowedFrom: readonly string[];
}

export interface SmsMaxPriceConfig {
  /** USD MaxPrice applied to messages that name none. @default none */
  readonly default?: number;
  /** USD: a message naming a higher maxPrice is refused (`max_price_above_ceiling`). @default none */
  readonly ceiling?: number;
}

export interface SmsDestinationRateLimitConfig {
  /** National digits after the country calling code that make one destination range. @default 6 */
  readonly nationalDigits: number;
  /** Messages to one range within the window, account-wide (split across send Lambdas); 0 turns the hold off. @default 20 */
  readonly maxMessages: number;
  /** @default 600 */
  readonly windowSeconds: number;
}

export interface SmsDeliveryStatusConfig {
  /** Subscribe the SMS-status Lambda to the SNS SMS delivery-status log groups. @default true */
  readonly enabled: boolean;
  /** Create the two log groups (with retention). Set false if they already exist in the account. @default true */
  readonly createLogGroups: boolean;
  /**
   * Set the account-level SNS SMS attribute DeliveryStatusIAMRole (and the success sampling
   * rate) with a custom resource. Account-wide, so opt-in. @default false
   */
  readonly setAccountAttributes: boolean;
  /** Percentage of successful deliveries SNS logs (0-100). @default 100 */
  readonly successSamplingRate: number;
}

export interface SmsConfig extends ChannelConfig<SmsProviderName> {
  /** Default SenderID (1-11 alphanumeric, at least one letter) where the destination country supports it. */
  readonly senderId?: string;
  /** Default origination number (E.164). */
  readonly originationNumber?: string;
  readonly deliveryStatus: SmsDeliveryStatusConfig;
  /**
   * ISO 3166-1 alpha-2 regions SMS may go to (refusal `country_not_allowed` elsewhere). Empty
   * allows every country, and the synth warns: list the countries you serve. @default []
   */
  readonly allowedCountries: readonly string[];
  readonly maxPrice: SmsMaxPriceConfig;
  /** Holds (delays) SMS past this many to one number range in the window: the pumping signature. */
  readonly destinationRateLimit: SmsDestinationRateLimitConfig;
  /** Alarm when AWS/SNS SMSMonthToDateSpentUSD reaches this (USD); null: no alarm. @default 100 */
  readonly spendAlarmUsd: number | null;
}

export interface AttachmentBucketConfig {
  readonly bucket: string;
  /** Key prefixes the email send Lambda may read (at least one; e.g. "outgoing/"). */
  readonly prefixes: readonly string[];
  /** 12-digit id of the account that owns the bucket. @default the stack's account */
  readonly account?: string;
}

export interface SendConfig {
  /** Send Lambda timeout, seconds. @default 30 */
  readonly timeoutSeconds: number;
  /** Send Lambda memory, MiB. @default 512 */
  readonly memoryMiB: number;
  /** Queue visibility timeout, seconds; must be at least 6 x timeoutSeconds. @default 6 x timeoutSeconds */
  readonly visibilityTimeoutSeconds: number;
  /** Receives before SQS moves a message to its DLQ. @default 5 */
  readonly maxReceiveCount: number;
  /** Exponential backoff through the visibility timeout: base and cap, seconds. @default 30 / 900 */
  readonly backoffBaseSeconds: number;
  readonly backoffMaxSeconds: number;
  /** Send anyway (dropping the feature) when an adapter lacks a feature a message asks for. @default false */
  readonly ignoreUnsupportedFeatures: boolean;
  /**
   * Buckets producers name in attachment `s3: {bucket, key}`: the email send Lambda may read
   * objects under the listed key prefixes only, of a bucket owned by `account` (IAM condition
   * s3:ResourceAccount, and ExpectedBucketOwner on every GetObject). @default []
   */
  readonly attachmentBuckets: readonly AttachmentBucketConfig[];
}

export interface TrackingConfig {
  /** Reasons that add an address to the suppression list. @default all of SUPPRESSION_REASONS */
  readonly suppressOn: readonly SuppressionReason[];
  /** Extra SNS topic ARNs (other accounts, SES identity notifications) the tracking handler accepts. @default [] */
  readonly allowedTopicArns: readonly string[];
  /** Create a Lambda function URL that SNS topics can deliver to over HTTPS. @default false */
  readonly httpsEndpoint: boolean;
}

export interface InboundConfig {
  /** Create the inbound pipeline (SES receiving exists only in some regions). @default true */
  readonly enabled: boolean;
  /** Recipient addresses and/or domains the receipt rule matches. @default [ses.fromDomain] */
  readonly recipients: readonly string[];
  /** Largest message the inbound Lambda processes, bytes (SES receives at most 40 MB). @default 41943040 */
  readonly maxBytes: number;
  /** Days raw MIME stays in the inbound bucket; null keeps it forever. @default 90 */
  readonly rawMailExpirationDays: number | null;
  /** SES spam and virus scanning on the receipt rule. @default true */
  readonly scanEnabled: boolean;
  /** 'require' rejects mail not delivered over TLS. @default 'require' */
  readonly tlsPolicy: 'optional' | 'require';
  /** Make this stack's receipt rule set the account's active one (account-wide). @default false */
  readonly activateRuleSet: boolean;
  /** Receipt rule set name. @default `${stackName}-inbound` */
  readonly ruleSetName: string;
  /** Existing SNS topic for "inbound received" events; one is created when absent. */
  readonly eventsTopicArn?: string;
  /**
   * Extra SNS topic ARNs (SES identities' receipt topics, other accounts) whose receipt
   * notifications the inbound Lambda and the tracking HTTPS endpoint accept. Only these (and
   * the stack's receipt topic) may deliver inbound mail: `tracking.allowedTopicArns` does not. @default []
   */
  readonly allowedTopicArns: readonly string[];
}

export interface AlarmsConfig {
  /** Email address subscribed to a new alarm topic (confirm the subscription mail). */
  readonly email?: string;
  /** Existing SNS topic alarms notify. */
  readonly topicArn?: string;
}

export interface OperationsConfig {
  /** CloudWatch Logs retention for every log group, days (a RetentionDays value). @default 30 */
  readonly logRetentionDays: number;
  /** X-Ray active tracing on the Lambdas. @default true */
  readonly tracing: boolean;
  /** What happens to tables and buckets when the stack is deleted. @default 'retain' */
  readonly removalPolicy: 'retain' | 'destroy';
  /** DynamoDB deletion protection. @default true */
  readonly deletionProtection: boolean;
  /**
   * Bundle the AWS SDK v3 into each Lambda instead of using the copy the Node.js runtime
   * provides: pins the SDK version, at the cost of larger bundles. @default false
   */
  readonly bundleAwsSdk: boolean;
}

// ---- Security guardrails (issue 8, infrastructure) ---------------------------------------

/** Rate limits of the optional API Gateway HTTP API in front of every public function. */
export interface ThrottledFrontConfig {
  /**
   * Put an API Gateway HTTP API with stage throttling in front of every public function,
   * instead of a Lambda function URL (pay per request: $1.00 per million in us-east-1). @default false
   */
  readonly enabled: boolean;
  /** Steady-state requests per second the HTTP API lets through, for all callers together (1-10000). @default 10 */
  readonly rateLimit: number;
  /** Burst bucket size, requests (1-5000). @default 20 */
  readonly burstLimit: number;
}

/**
 * Guardrails of every function reachable without AWS credentials (today the tracking HTTPS
 * endpoint; every webhook route to come is built by the same PublicEndpoint construct).
 */
export interface PublicEndpointsConfig {
  /**
   * Reserved concurrency of each public function (1-1000): an anonymous flood can hold at most
   * this many instances and never starves sending of the account's unreserved concurrency.
   * null reserves nothing (accounts whose concurrency quota is still 10 cannot reserve any). @default 5
   */
  readonly reservedConcurrency: number | null;
  readonly throttledFront: ThrottledFrontConfig;
  /** Alarm when a public function is invoked this many times in 5 minutes. @default 1000 */
  readonly invocationsAlarmThreshold: number;
}

/**
 * How long stored data is kept, days; null keeps it forever. DynamoDB TTL (the `expiresAt`
 * attribute, written from the item's own time) and S3 lifecycle rules. Suppressions are kept.
 */
export interface RetentionConfig {
  /** Messages table: message records and their recipient index items, from createdAt. @default 365 */
  readonly messagesDays: number | null;
  /** Events table, from the event's timestamp; also raw events offloaded to the payload bucket (`events/raw/`). @default 365 */
  readonly eventsDays: number | null;
  /** Inbound table, from receivedAt. @default 365 */
  readonly inboundDays: number | null;
  /** Inbound attachments (`attachments/` in the inbound bucket). @default 365 */
  readonly attachmentsDays: number | null;
  /** Quarantined attachments (`quarantine/`). @default 30 */
  readonly quarantineDays: number | null;
  /** Inbound bodies too large for an item (`bodies/` in the payload bucket). @default 365 */
  readonly bodiesDays: number | null;
}

/** A customer-managed KMS key: imported by ARN, or created by the stack (rotation on). */
export type CustomerKeyConfig = { readonly arn: string } | { readonly create: true };

export interface EncryptionConfig {
  /**
   * Customer-managed KMS key for the inbound and payload buckets, the tables, the queues and
   * the log groups. Absent: AWS-managed keys (SSE-S3, DynamoDB and SQS managed, Logs default).
   */
  readonly dataKey?: CustomerKeyConfig;
}

export interface MailroomConfig {
  /** CloudFormation stack name. @default 'Mailroom' */
  readonly stackName: string;
  readonly ses: SesConfig;
  readonly email: EmailConfig;
  readonly sms: SmsConfig;
  readonly send: SendConfig;
  readonly tracking: TrackingConfig;
  readonly inbound: InboundConfig;
  readonly alarms: AlarmsConfig;
  readonly operations: OperationsConfig;
  readonly publicEndpoints: PublicEndpointsConfig;
  readonly retention: RetentionConfig;
  readonly encryption: EncryptionConfig;
}

/** What a user writes: any subset, nested. */
export type MailroomConfigInput = DeepPartial<MailroomConfig>;

type DeepPartial<T> = T extends readonly (infer _U)[]
  ? T
  : T extends object
    ? { readonly [K in keyof T]?: DeepPartial<T[K]> }
    : T;
