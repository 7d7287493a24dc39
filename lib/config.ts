/**
 * Synth-time configuration: read from the CDK context key `mailroom` (cdk.json, or
 * `-c mailroom='{"ses":{"fromDomain":"acme.io"}}'`), optionally overridden by props, validated
 * with zod, and resolved into a complete `MailroomConfig`. Every problem is collected and
 * thrown as ONE ConfigError, so a user fixes their configuration in one round.
 *
 * The defaults synthesize on a fresh clone with no AWS account (example.com identities): they
 * must be changed before a real deployment (README, "Deploying").
 */
import { isSupportedCountry } from 'libphonenumber-js';
import * as z from 'zod';
import { ConfigError } from '../src/errors.js';
import { SUPPRESSION_REASONS } from '../src/config/runtime.js';
import { normalizeAddress } from '../src/contract/address.js';
import { E164_SYNTAX, SENDER_ID_PATTERN } from '../src/contract/sms.js';
import type { MailroomConfig, MailroomConfigInput } from './config-types.js';

export type * from './config-types.js';

/** The CDK context key holding the configuration object. */
export const CONTEXT_KEY = 'mailroom';

/** AWS guidance for SQS event sources: visibility timeout at least 6 x the function timeout. */
export const VISIBILITY_TIMEOUT_FACTOR = 6;
/** SQS caps visibility timeouts (and so our backoff) at 12 hours. */
export const MAX_VISIBILITY_TIMEOUT_SECONDS = 43_200;
/** SES refuses inbound messages over 40 MB (https://docs.aws.amazon.com/ses/latest/dg/quotas.html). */
export const SES_MAX_INBOUND_BYTES = 40 * 1024 * 1024;

const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;
const DOMAIN = /^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/;
const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;
// SES names: letters, numbers, underscores and dashes, 64 at most
// (https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_CreateConfigurationSet.html).
const SES_NAME = /^[A-Za-z0-9_-]{1,64}$/;
// Receipt rule set names must also start and end with a letter or number.
const RULE_SET_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,62}[A-Za-z0-9])?$/;
const BUCKET_NAME = /^(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]{1,128}$/;
const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,100}$/;
// A From address or IAM StringLike pattern: something@domain, `*`/`?` allowed, domain lower-case.
const FROM_PATTERN = /^[^\s@,]+@[a-z0-9*?.-]+$/;

const domainOrAddress = z.string().refine((v) => DOMAIN.test(v) || (v.includes('@') && normalizeAddress(v).ok), {
  message: 'must be a lower-case domain (example.com) or an email address (a@example.com)',
});
const positiveInt = z.number().int().positive();

const sections = {
  stackName: z.string().regex(STACK_NAME, 'must start with a letter and hold only letters, digits and dashes').default('Mailroom'),
  ses: z
    .strictObject({
      fromDomain: z.string().regex(DOMAIN, 'must be a lower-case domain name').default('example.com'),
      identities: z.array(domainOrAddress).min(1).optional(),
      configurationSetName: z.string().regex(SES_NAME, 'letters, digits, _ and -, at most 64').optional(),
      templates: z.array(z.string().regex(/^(\*|[A-Za-z0-9_-]{1,64})$/, 'a template name or "*"')).default([]),
      tlsPolicy: z.enum(['optional', 'require']).default('optional'),
    })
    .prefault({}),
  email: channel('ses', 14)
    .extend({
      allowedFrom: z.array(z.string().regex(FROM_PATTERN, 'an address or IAM StringLike pattern with a lower-case domain (noreply@acme.io, *@notify.acme.io)')).default([]),
    })
    .prefault({}),
  sms: channel('sns', 20)
    .extend({
      allowedCountries: z.array(z.string().refine((c) => /^[A-Z]{2}$/.test(c) && isSupportedCountry(c as never), 'an ISO 3166-1 alpha-2 region code (GB, US, ...)')).default([]),
      maxPrice: z.strictObject({ default: z.number().positive().optional(), ceiling: z.number().positive().optional() }).prefault({}),
      destinationRateLimit: z
        .strictObject({
          nationalDigits: z.number().int().min(1).max(12).default(6),
          maxMessages: z.number().int().min(0).default(20),
          windowSeconds: z.number().int().min(1).max(86_400).default(600),
        })
        .prefault({}),
      spendAlarmUsd: z.number().positive().nullable().default(100),
      senderId: z
        .string()
        .regex(SENDER_ID_PATTERN, '3-11 letters, digits or hyphens, at least one letter (the SNS sender ID rule)')
        .optional(),
      originationNumber: z
        .string()
        // E.164 syntax only: toll-free, 10DLC and long-code origination numbers are not mobile numbers.
        .regex(E164_SYNTAX, 'must be an E.164 phone number (+14155550100)')
        .optional(),
      deliveryStatus: z
        .strictObject({
          enabled: z.boolean().default(true),
          createLogGroups: z.boolean().default(true),
          setAccountAttributes: z.boolean().default(false),
          successSamplingRate: z.number().int().min(0).max(100).default(100),
        })
        .prefault({}),
    })
    .prefault({}),
  send: z
    .strictObject({
      timeoutSeconds: positiveInt.max(900).default(30),
      memoryMiB: z.number().int().min(128).max(10_240).default(512),
      visibilityTimeoutSeconds: positiveInt.max(MAX_VISIBILITY_TIMEOUT_SECONDS).optional(),
      maxReceiveCount: z.number().int().min(1).max(1000).default(5),
      backoffBaseSeconds: positiveInt.max(MAX_VISIBILITY_TIMEOUT_SECONDS).default(30),
      backoffMaxSeconds: positiveInt.max(MAX_VISIBILITY_TIMEOUT_SECONDS).default(900),
      ignoreUnsupportedFeatures: z.boolean().default(false),
      attachmentBuckets: z.array(z.strictObject({
        bucket: z.string().regex(BUCKET_NAME, 'must be an S3 bucket name'),
        // A whole bucket is never granted: producers could mail any object in it to anyone.
        prefixes: z.array(z.string().regex(/^[^*?]{1,1024}$/, 'a key prefix of 1-1024 characters without * or ?')).min(1),
        account: z.string().regex(/^\d{12}$/, 'a 12-digit AWS account id').optional(),
      }, { error: 'must be {"bucket": "<name>", "prefixes": ["<key prefix>", ...], "account"?: "<12 digits>"}' })).default([]),
    })
    .prefault({}),
  tracking: z
    .strictObject({
      suppressOn: z.array(z.enum(SUPPRESSION_REASONS)).default([...SUPPRESSION_REASONS]),
      allowedTopicArns: z.array(z.string().regex(SNS_TOPIC_ARN, 'must be an SNS topic ARN')).default([]),
      httpsEndpoint: z.boolean().default(false),
    })
    .prefault({}),
  inbound: z
    .strictObject({
      enabled: z.boolean().default(true),
      recipients: z.array(domainOrAddress).min(1).optional(),
      maxBytes: positiveInt.max(SES_MAX_INBOUND_BYTES).default(SES_MAX_INBOUND_BYTES),
      rawMailExpirationDays: positiveInt.nullable().default(90),
      scanEnabled: z.boolean().default(true),
      tlsPolicy: z.enum(['optional', 'require']).default('require'),
      activateRuleSet: z.boolean().default(false),
      ruleSetName: z.string().regex(RULE_SET_NAME, 'letters, digits, ., _ and -, starting and ending with a letter or digit, at most 64').optional(),
      eventsTopicArn: z.string().regex(SNS_TOPIC_ARN, 'must be an SNS topic ARN').optional(),
      allowedTopicArns: z.array(z.string().regex(SNS_TOPIC_ARN, 'must be an SNS topic ARN')).default([]),
    })
    .prefault({}),
  alarms: z
    .strictObject({
      email: z.string().refine((v) => normalizeAddress(v).ok, 'must be an email address').optional(),
      topicArn: z.string().regex(SNS_TOPIC_ARN, 'must be an SNS topic ARN').optional(),
    })
    .prefault({}),
  operations: z
    .strictObject({
      logRetentionDays: z
        .number()
        .refine((v) => (LOG_RETENTION_DAYS as readonly number[]).includes(v), `must be one of ${LOG_RETENTION_DAYS.join(', ')}`)
        .default(30),
      tracing: z.boolean().default(true),
      removalPolicy: z.enum(['retain', 'destroy']).default('retain'),
      deletionProtection: z.boolean().default(true),
      bundleAwsSdk: z.boolean().default(false),
    })
    .prefault({}),
  // ---- Security guardrails (issue 8, infrastructure): defaults are documented in docs/deploy.md#security.
  publicEndpoints: z
    .strictObject({
      // Lambda accepts 0 (which disables the function) up to the account quota; 1000 is the default quota.
      reservedConcurrency: z.number().int().min(1).max(1000).nullable().default(5),
      throttledFront: z
        .strictObject({
          enabled: z.boolean().default(false),
          // API Gateway's account-level defaults are 10,000 rps and a 5,000 burst: a stage cannot exceed them.
          rateLimit: z.number().positive().max(10_000).default(10),
          burstLimit: z.number().int().min(1).max(5_000).default(20),
        })
        .prefault({}),
      invocationsAlarmThreshold: positiveInt.default(1000),
    })
    .prefault({}),
  retention: z
    .strictObject({
      messagesDays: retentionDays(365),
      eventsDays: retentionDays(365),
      inboundDays: retentionDays(365),
      attachmentsDays: retentionDays(365),
      quarantineDays: retentionDays(30),
      bodiesDays: retentionDays(365),
    })
    .prefault({}),
  encryption: z
    .strictObject({
      dataKey: z
        .union([
          z.strictObject({ arn: z.string().regex(KMS_KEY_ARN, 'must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)') }),
          z.strictObject({ create: z.literal(true) }),
        ], { error: 'must be {"arn": "<KMS key ARN>"} or {"create": true}' })
        .optional(),
    })
    .prefault({}),
};

/** Days to keep something (DynamoDB TTL or an S3 lifecycle rule); null keeps it forever. */
function retentionDays(days: number) {
  return positiveInt.max(36_500).nullable().default(days);
}

function channel<P extends string>(provider: P, maxSendRate: number) {
  return z.strictObject({
    provider: z.literal(provider).default(provider),
    maxSendRate: z.number().positive().default(maxSendRate),
    // The SQS event source accepts 2-1000 (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html).
    maxConcurrency: z.number().int().min(2).max(1000).default(2),
    batchSize: z.number().int().min(1).max(10).default(10),
  });
}

type SectionName = keyof typeof sections;
type Parsed = { [K in SectionName]: z.output<(typeof sections)[K]> };

/**
 * Resolves and validates the configuration. `fromContext` is the raw `mailroom` context value
 * (an object, or a JSON string when passed with `-c`); `overrides` (props) win over it.
 * @throws ConfigError listing every problem found
 */
export function resolveConfig(fromContext: unknown, overrides: MailroomConfigInput = {}): MailroomConfig {
  const problems: string[] = [];
  const base = readContext(fromContext, problems);
  const raw = deepMerge(base, overrides as Record<string, unknown>);

  for (const key of Object.keys(raw)) {
    if (!(key in sections)) problems.push(`${key}: unknown configuration key (expected one of ${Object.keys(sections).join(', ')})`);
  }
  const parsed: Partial<Parsed> = {};
  for (const name of Object.keys(sections) as SectionName[]) {
    const result = sections[name].safeParse(raw[name]);
    if (result.success) (parsed as Record<string, unknown>)[name] = result.data;
    else problems.push(...result.error.issues.map((i) => `${[name, ...i.path].join('.')}: ${i.message}`));
  }
  const allParsed = (Object.keys(sections) as SectionName[]).every((name) => parsed[name] !== undefined);
  const config = allParsed ? complete(parsed as Parsed) : undefined;
  if (config) problems.push(...crossChecks(config));
  else problems.push(...partialChecks(parsed));
  if (problems.length > 0 || !config) throw new ConfigError(problems);
  return config;
}

function readContext(value: unknown, problems: string[]): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value === 'string') {
    try {
      return readContext(JSON.parse(value), problems);
    } catch (cause) {
      problems.push(`${CONTEXT_KEY}: context value is not JSON (${(cause as Error).message})`);
      return {};
    }
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    problems.push(`${CONTEXT_KEY}: must be an object`);
    return {};
  }
  return value as Record<string, unknown>;
}

/** Fills the defaults that depend on other fields. */
function complete(p: Parsed): MailroomConfig {
  const identities = p.ses.identities ?? [p.ses.fromDomain];
  return {
    ...p,
    ses: { ...p.ses, identities, configurationSetName: p.ses.configurationSetName ?? p.stackName },
    send: { ...p.send, visibilityTimeoutSeconds: p.send.visibilityTimeoutSeconds ?? VISIBILITY_TIMEOUT_FACTOR * p.send.timeoutSeconds },
    inbound: {
      ...p.inbound,
      recipients: p.inbound.recipients ?? [p.ses.fromDomain],
      ruleSetName: p.inbound.ruleSetName ?? `${p.stackName}-inbound`,
    },
  } as MailroomConfig;
}

/** Rules that span fields; run on the complete configuration. */
function crossChecks(c: MailroomConfig): string[] {
  const problems = partialChecks(c);
  const domains = c.ses.identities.filter((i) => !i.includes('@'));
  const covered = domains.some((d) => c.ses.fromDomain === d || c.ses.fromDomain.endsWith(`.${d}`)) ||
    c.ses.identities.some((i) => i.endsWith(`@${c.ses.fromDomain}`));
  if (!covered) problems.push(`ses.fromDomain: "${c.ses.fromDomain}" is not covered by any of ses.identities (${c.ses.identities.join(', ')})`);
  const minVisibility = VISIBILITY_TIMEOUT_FACTOR * c.send.timeoutSeconds;
  if (c.send.visibilityTimeoutSeconds < minVisibility) {
    problems.push(`send.visibilityTimeoutSeconds: ${c.send.visibilityTimeoutSeconds} is below ${VISIBILITY_TIMEOUT_FACTOR} x send.timeoutSeconds (${minVisibility}); SQS would redeliver messages still being sent`);
  }
  for (const ch of ['email', 'sms'] as const) {
    // One full batch at the per-instance rate must fit comfortably in one invocation, or
    // the batch times out and every message in it is retried.
    const seconds = c[ch].batchSize / perInstanceSendRate(c[ch]);
    if (seconds > c.send.timeoutSeconds / 2) {
      problems.push(`${ch}.batchSize: ${c[ch].batchSize} messages at ${perInstanceSendRate(c[ch]).toFixed(2)}/s per instance take ${seconds.toFixed(1)}s, more than half of send.timeoutSeconds (${c.send.timeoutSeconds}); lower batchSize or maxConcurrency, or raise the timeout`);
    }
  }
  return problems;
}

/** Rules within one section; also run when another section failed, so all problems show at once. */
function partialChecks(p: Partial<Parsed> | MailroomConfig): string[] {
  const problems: string[] = [];
  if (p.send && p.send.backoffBaseSeconds > p.send.backoffMaxSeconds) {
    problems.push(`send.backoffBaseSeconds: ${p.send.backoffBaseSeconds} exceeds send.backoffMaxSeconds (${p.send.backoffMaxSeconds})`);
  }
  if (p.alarms?.email && p.alarms.topicArn) problems.push('alarms: set either email or topicArn, not both');
  if (p.inbound && !p.inbound.enabled && p.inbound.activateRuleSet) problems.push('inbound.activateRuleSet: needs inbound.enabled');
  const price = p.sms?.maxPrice;
  if (price?.default !== undefined && price.ceiling !== undefined && price.default > price.ceiling) {
    problems.push(`sms.maxPrice.default: ${price.default} exceeds sms.maxPrice.ceiling (${price.ceiling})`);
  }
  if (p.sms && !p.sms.deliveryStatus.enabled && p.sms.deliveryStatus.setAccountAttributes) {
    problems.push('sms.deliveryStatus.setAccountAttributes: needs sms.deliveryStatus.enabled');
  }
  return problems;
}

/** The in-handler limit each send Lambda instance applies (MAILROOM_MAX_SEND_RATE). */
export function perInstanceSendRate(ch: { readonly maxSendRate: number; readonly maxConcurrency: number }): number {
  return ch.maxSendRate / ch.maxConcurrency;
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    if (v === undefined) continue;
    const prev = out[k];
    out[k] = isPlainObject(prev) && isPlainObject(v) ? deepMerge(prev, v) : v;
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
