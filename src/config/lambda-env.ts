/**
 * The one mapping from the resolved configuration to each Lambda's environment: what every
 * function of a kind receives, produced from the same object the synth validated. lib/ adds
 * the resource names (tables, queues, buckets, the stack's own topics); src/config/runtime.ts
 * parses both back with the same schema pieces. test/unit/config/lambda-env.test.ts checks
 * the round trip.
 */
import type { Channel } from '../contract/message.js';
import { perInstanceSendRate } from './checks.js';
import { ENV } from './env-names.js';
import { channelInstances } from './instances.js';
import type { MailroomConfig } from './schema.js';

export type Environment = Record<string, string>;

/**
 * Each send Lambda counts in its own memory, so the account-wide limit is shared out among the
 * event source's maximum concurrency (as the send rate is); at least 1 while the hold is on.
 */
export function perInstanceRangeLimit(maxMessages: number, maxConcurrency: number): number {
  return maxMessages === 0 ? 0 : Math.max(1, Math.floor(maxMessages / maxConcurrency));
}

/** What every function gets. */
export function commonEnvironment(config: Pick<MailroomConfig, 'operations'>): Environment {
  return { [ENV.metricsNamespace]: config.operations.metricsNamespace };
}

/** One channel's send Lambda: its providers, rate, retries and send policy. */
export type SendSlice = Pick<MailroomConfig, 'send' | 'email' | 'sms' | 'ses' | 'providers' | 'operations' | 'retention'>;

/**
 * One channel's send Lambda: its providers, rate, retries, retention and send policy.
 * `account` owns the attachment buckets that name none (the stack's account; a token at synth).
 */
export function sendEnvironment(config: SendSlice, channel: Channel, account?: string): Environment {
  const { send } = config;
  const cfg = config[channel];
  return defined({
    ...commonEnvironment(config),
    [ENV.defaultProvider]: cfg.provider,
    [ENV.providers]: JSON.stringify(channelInstances(config, channel)),
    [ENV.maxSendRate]: String(perInstanceSendRate(cfg)),
    [ENV.maxReceiveCount]: String(send.maxReceiveCount),
    [ENV.backoffBaseSeconds]: String(send.backoffBaseSeconds),
    [ENV.backoffMaxSeconds]: String(send.backoffMaxSeconds),
    [ENV.ignoreUnsupportedFeatures]: String(send.ignoreUnsupportedFeatures),
    [ENV.messagesRetentionDays]: days(config.retention.messagesDays),
    ...(channel === 'email' ? emailPolicyEnvironment(config) : smsPolicyEnvironment(config)),
    ...(channel === 'email' ? { [ENV.attachmentBucketOwners]: attachmentOwners(send.attachmentBuckets, account) } : {}),
  });
}

/** `bucket=account` of each attachment bucket whose owner is known: the ExpectedBucketOwner of every GetObject. */
function attachmentOwners(buckets: SendSlice['send']['attachmentBuckets'], account: string | undefined): string | undefined {
  return csv(
    buckets.flatMap((b) => {
      const owner = b.account ?? account;
      return owner === undefined ? [] : [`${b.bucket}=${owner}`];
    }),
  );
}

function emailPolicyEnvironment(config: SendSlice): Record<string, string | undefined> {
  return { [ENV.emailAllowedFrom]: csv(config.email.allowedFrom) };
}

function smsPolicyEnvironment({ sms }: SendSlice): Record<string, string | undefined> {
  const limit = sms.destinationRateLimit;
  return {
    [ENV.smsAllowedCountries]: csv(sms.allowedCountries),
    [ENV.smsDefaultMaxPrice]: sms.maxPrice.default?.toString(),
    [ENV.smsMaxPriceCeiling]: sms.maxPrice.ceiling?.toString(),
    [ENV.smsRangeDigits]: String(limit.nationalDigits),
    [ENV.smsRangeLimit]: String(perInstanceRangeLimit(limit.maxMessages, sms.maxConcurrency)),
    [ENV.smsRangeWindowSeconds]: String(limit.windowSeconds),
  };
}

/** Tracking and SMS-status Lambdas; `ownTopicArns` are the stack's topics (tokens at synth). */
export function trackingEnvironment(
  config: Pick<MailroomConfig, 'tracking' | 'operations' | 'retention'>,
  ownTopicArns: readonly string[],
): Environment {
  return defined({
    ...commonEnvironment(config),
    [ENV.eventsRetentionDays]: days(config.retention.eventsDays),
    [ENV.suppressOn]: config.tracking.suppressOn.join(','),
    [ENV.allowedTopicArns]: csv([...ownTopicArns, ...config.tracking.allowedTopicArns]),
  });
}

/** The inbound Lambda, and the tracking HTTPS Lambda that hands receipt notifications to inbound. */
export function inboundEnvironment(
  config: Pick<MailroomConfig, 'inbound' | 'operations' | 'retention'>,
  receiptTopicArn: string,
): Environment {
  return defined({
    ...commonEnvironment(config),
    [ENV.inboundRetentionDays]: days(config.retention.inboundDays),
    [ENV.inboundMaxBytes]: String(config.inbound.maxBytes),
    [ENV.inboundAllowedTopicArns]: csv([receiptTopicArn, ...config.inbound.allowedTopicArns]),
  });
}

/** Retention days; none when kept forever (null). */
function days(value: number | null): string | undefined {
  return value === null ? undefined : String(value);
}

function csv(values: readonly string[]): string | undefined {
  return values.length ? values.join(',') : undefined;
}

function defined(env: Record<string, string | undefined>): Environment {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}
