/**
 * Configuration field primitives (docs/contract.md §7) shared by the config schema (src/config)
 * and the provider kinds' fragments, which sit below it.
 *
 * Field shapes the configuration sections share: AWS naming rules, each with the AWS page that
 * defines it, and the bounds that more than one section (or the runtime) depends on.
 */
import * as z from 'zod';
import { normalizeAddress } from './address.js';

/** AWS guidance for SQS event sources: visibility timeout at least 6 x the function timeout. */
export const VISIBILITY_TIMEOUT_FACTOR = 6;
/** SQS caps visibility timeouts (and so our backoff) at 12 hours. */
export const MAX_VISIBILITY_TIMEOUT_SECONDS = 43_200;
/** SES refuses inbound messages over 40 MB (https://docs.aws.amazon.com/ses/latest/dg/quotas.html). */
export const SES_MAX_INBOUND_BYTES = 40 * 1024 * 1024;
/** Retention of the work queues the stack creates (SQS default, 4 days); the send path re-enqueues before it. */
export const WORK_QUEUE_RETENTION_SECONDS = 4 * 24 * 60 * 60;

export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;
export const DOMAIN = /^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/;
const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;
// SES names: letters, numbers, underscores and dashes, 64 at most
// (https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_CreateConfigurationSet.html).
export const SES_NAME = /^[A-Za-z0-9_-]{1,64}$/;
// Receipt rule set names must also start and end with a letter or number.
export const RULE_SET_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,62}[A-Za-z0-9])?$/;
export const BUCKET_NAME = /^(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
export const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,100}$/;
// A From address or IAM StringLike pattern: something@domain, `*`/`?` allowed, domain lower-case.
export const FROM_PATTERN = /^[^\s@,]+@[a-z0-9*?.-]+$/;
// CloudWatch namespaces: printable ASCII without ':' , 1-255 (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html).
export const METRICS_NAMESPACE = /^[A-Za-z0-9 ._\-/#]{1,255}$/;

export const domainOrAddress = z.string().refine((v) => DOMAIN.test(v) || (v.includes('@') && normalizeAddress(v).ok), {
  message: 'must be a lower-case domain (example.com) or an email address (a@example.com)',
});
export const address = z.string().refine((v) => normalizeAddress(v).ok, 'must be an email address');
export const topicArn = z.string().regex(SNS_TOPIC_ARN, 'must be an SNS topic ARN');
export const positiveInt = z.number().int().positive();

/** Why an address is suppressed (config `tracking.suppressOn`, the suppressions table). */
export const SUPPRESSION_REASONS = ['hardBounce', 'complaint', 'unsubscribe'] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];
