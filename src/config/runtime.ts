/**
 * Lambda runtime configuration: the environment variables the CDK sets (from the resolved
 * configuration, through src/config/lambda-env.ts), read and validated once at module scope in
 * each handler. Every configuration value is parsed with the same schema piece that validated
 * it at synth time (src/config/sections/), so a bound or default is written once. Domain code
 * never reads process.env; it gets these values passed in.
 */
import * as z from 'zod';
import { ConfigError } from '../errors.js';
import { ENV } from './env-names.js';
import { allowedFrom, countryCode, destinationRateLimit, instanceName, sendRate, smsMaxPrice } from './sections/channel-fields.js';
import { retentionBound } from './sections/guardrails.js';
import { metricsNamespace } from './sections/operations.js';
import { sendSection } from './sections/send.js';
import { inboundMaxBytes, suppressOn, topicArns } from './sections/tracking.js';

export { ENV } from './env-names.js';
export { SUPPRESSION_REASONS, type SuppressionReason } from './sections/tracking.js';

const send = sendSection.unwrap().shape;
const range = destinationRateLimit.unwrap().shape;
const price = smsMaxPrice.unwrap().shape;

/** An unset or empty variable is undefined, so the piece's own default (or optionality) applies. */
const raw = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v === '' ? undefined : v));
const num = <T extends z.ZodType<unknown, number | undefined>>(piece: T) =>
  raw.transform((v) => (v === undefined ? undefined : Number(v))).pipe(piece);
const list = <T extends z.ZodType<unknown, string[] | undefined>>(piece: T) =>
  raw
    .transform((v) =>
      v === undefined
        ? undefined
        : v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
    )
    .pipe(piece);
const bool = <T extends z.ZodType<unknown, boolean | undefined>>(piece: T) =>
  z
    .enum(['true', 'false', ''])
    .optional()
    .transform((v) => (v === undefined || v === '' ? undefined : v === 'true'))
    .pipe(piece);
const json = <T extends z.ZodType>(piece: T) =>
  raw
    .transform((v, ctx) => {
      if (v === undefined) return undefined;
      try {
        return JSON.parse(v) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'is not JSON' });
        return z.NEVER;
      }
    })
    .pipe(piece);

/** One provider instance as the send Lambda receives it (src/providers/kinds/types.ts ProviderInstance). */
export const instanceEnvSchema = z.strictObject({
  name: instanceName,
  kind: z.string().min(1),
  secret: z.string().min(1).optional(),
  live: z.boolean().optional(),
  options: z.record(z.string(), z.unknown()),
});

export const runtimeConfigSchema = z.object({
  [ENV.messagesTable]: z.string().min(1),
  [ENV.eventsTable]: z.string().min(1).optional(),
  [ENV.inboundTable]: z.string().min(1).optional(),
  [ENV.suppressionsTable]: z.string().min(1),
  [ENV.payloadBucket]: z.string().min(1).optional(),
  [ENV.inboundBucket]: z.string().min(1).optional(),
  [ENV.queueUrl]: z.string().optional(),
  [ENV.dlqUrl]: z.string().optional(),
  [ENV.metricsNamespace]: raw.pipe(metricsNamespace),
  [ENV.defaultProvider]: raw.pipe(instanceName.optional()),
  [ENV.providers]: json(z.array(instanceEnvSchema).optional()),
  [ENV.maxSendRate]: num(sendRate.optional()),
  [ENV.maxReceiveCount]: num(send.maxReceiveCount),
  [ENV.backoffBaseSeconds]: num(send.backoffBaseSeconds),
  [ENV.backoffMaxSeconds]: num(send.backoffMaxSeconds),
  [ENV.ignoreUnsupportedFeatures]: bool(send.ignoreUnsupportedFeatures),
  [ENV.allowedTopicArns]: list(topicArns),
  [ENV.inboundAllowedTopicArns]: list(topicArns),
  [ENV.suppressOn]: list(suppressOn),
  [ENV.inboundMaxBytes]: num(inboundMaxBytes),
  [ENV.inboundEventsTopicArn]: z.string().optional(),
  [ENV.emailAllowedFrom]: list(allowedFrom),
  [ENV.smsAllowedCountries]: list(z.array(countryCode).default([])),
  [ENV.smsDefaultMaxPrice]: num(price.default),
  [ENV.smsMaxPriceCeiling]: num(price.ceiling),
  [ENV.smsRangeDigits]: num(range.nationalDigits),
  [ENV.smsRangeLimit]: num(range.maxMessages),
  [ENV.smsRangeWindowSeconds]: num(range.windowSeconds),
  [ENV.attachmentBucketOwners]: list(
    z.array(z.string().regex(/^[a-z0-9.-]{3,63}=\d{12}$/, 'bucket=12-digit account id')).default([]),
  ).transform((pairs) => Object.fromEntries(pairs.map((p) => p.split('=') as [string, string]))),
  // Unset: kept forever (retention null).
  [ENV.messagesRetentionDays]: num(retentionBound.optional()),
  [ENV.eventsRetentionDays]: num(retentionBound.optional()),
  [ENV.inboundRetentionDays]: num(retentionBound.optional()),
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
