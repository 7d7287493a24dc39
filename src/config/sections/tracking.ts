/** `tracking` and `inbound`: which events suppress, which topics are trusted, the inbound pipeline. */
import * as z from 'zod';
import {
  domainOrAddress,
  positiveInt,
  RULE_SET_NAME,
  SES_MAX_INBOUND_BYTES,
  SUPPRESSION_REASONS,
  topicArn,
} from '../../contract/config-fields.js';

export { SUPPRESSION_REASONS, type SuppressionReason } from '../../contract/config-fields.js';

export const suppressOn = z.array(z.enum(SUPPRESSION_REASONS)).default([...SUPPRESSION_REASONS]);
export const topicArns = z.array(topicArn).default([]);

export const trackingSection = z
  .strictObject({
    suppressOn: suppressOn.meta({ description: 'reasons the tracking Lambdas suppress an address for' }),
    allowedTopicArns: topicArns.meta({
      description:
        "extra topics (other accounts, SES identity notifications) whose tracking events the tracking Lambdas accept besides the stack's own; they cannot deliver inbound mail",
      shape: 'SNS topic ARNs',
    }),
    httpsEndpoint: z.boolean().default(false).meta({
      description:
        'a tracking HTTPS Lambda behind a function URL (auth `NONE`; every SNS signature and the topic allowlist are checked), or behind the throttled front (`publicEndpoints`)',
    }),
  })
  .prefault({});

export const inboundMaxBytes = positiveInt.max(SES_MAX_INBOUND_BYTES).default(SES_MAX_INBOUND_BYTES);

export const inboundSection = z
  .strictObject({
    enabled: z.boolean().default(true).meta({ description: 'create the inbound pipeline (SES receiving exists only in some regions)' }),
    recipients: z
      .array(domainOrAddress)
      .min(1)
      .optional()
      .meta({ description: 'what the receipt rule matches', shape: '(domain | address)[], ≥ 1', defaultText: '`[ses.fromDomain]`' }),
    maxBytes: inboundMaxBytes.meta({
      description: 'largest mail parsed (40 MiB is the SES limit); larger mail is recorded with `error.code = "too_large"`',
    }),
    rawMailExpirationDays: positiveInt
      .nullable()
      .default(90)
      .meta({ description: 'lifecycle expiry of raw MIME under `raw/` and `received/`; `null` keeps it' }),
    scanEnabled: z.boolean().default(true).meta({ description: 'SES spam and virus scanning' }),
    tlsPolicy: z.enum(['optional', 'require']).default('require').meta({ description: '`require` refuses mail not delivered over TLS' }),
    activateRuleSet: z
      .boolean()
      .default(false)
      .meta({ description: "opt-in custom resource making this rule set the account's active one; needs `enabled`" }),
    ruleSetName: z
      .string()
      .regex(RULE_SET_NAME, 'letters, digits, ., _ and -, starting and ending with a letter or digit, at most 64')
      .optional()
      .meta({ description: 'receipt rule set name (the rule is `store-and-notify`)', shape: 'name', defaultText: '`<stackName>-inbound`' }),
    eventsTopicArn: topicArn
      .optional()
      .meta({ description: 'publish "inbound received" events to this existing topic instead of a new one', shape: 'SNS topic ARN' }),
    allowedTopicArns: topicArns.meta({
      description:
        "extra topics (SES identities' receipt topics) whose receipt notifications the inbound Lambda and the tracking HTTPS endpoint accept besides the stack's receipt topic",
      shape: 'SNS topic ARNs',
    }),
  })
  .prefault({});
