/**
 * Synth and runtime read the same object: the resolved configuration goes through the one
 * environment mapping (src/config/lambda-env.ts) and comes back, parsed by the runtime schema,
 * equal to the slice each function needs.
 */
import { describe, expect, it } from 'vitest';
import { perInstanceSendRate } from '../../../src/config/checks.js';
import { channelInstances } from '../../../src/config/instances.js';
import { inboundEnvironment, perInstanceRangeLimit, sendEnvironment, trackingEnvironment } from '../../../src/config/lambda-env.js';
import { resolveConfig } from '../../../src/config/resolve.js';
import { ENV, readRuntimeEnv } from '../../../src/config/runtime.js';

const tables = { [ENV.messagesTable]: 'm', [ENV.suppressionsTable]: 's' };
const config = resolveConfig({
  providers: { 'ses-eu': { kind: 'ses', configurationSet: 'eu', secret: 'mailroom/ses-eu' } },
  email: { fallback: ['ses-eu'], maxSendRate: 50, maxConcurrency: 5, allowedFrom: ['noreply@acme.io', '*@notify.acme.io'] },
  sms: {
    allowedCountries: ['GB', 'US'],
    maxPrice: { default: 0.05, ceiling: 0.5 },
    destinationRateLimit: { maxMessages: 9 },
    senderId: 'Acme',
  },
  send: {
    maxReceiveCount: 7,
    backoffBaseSeconds: 10,
    backoffMaxSeconds: 600,
    ignoreUnsupportedFeatures: true,
    attachmentBuckets: [{ bucket: 'assets', prefixes: ['out/'], account: '123456789012' }],
  },
  tracking: { suppressOn: ['hardBounce'], allowedTopicArns: ['arn:aws:sns:eu-west-1:123456789012:other'] },
  inbound: { maxBytes: 1_000_000, allowedTopicArns: ['arn:aws:sns:eu-west-1:123456789012:receipts'] },
  retention: { messagesDays: 30, eventsDays: null, inboundDays: 90 },
  operations: { metricsNamespace: 'Acme/Mail' },
});

describe('configuration → Lambda environment → runtime', () => {
  it('gives the email send Lambda its slice', () => {
    // Act
    const env = readRuntimeEnv({ ...tables, ...sendEnvironment(config, 'email', '210987654321') });

    // Assess
    expect(env).toMatchObject({
      [ENV.defaultProvider]: config.email.provider,
      [ENV.providers]: channelInstances(config, 'email'),
      [ENV.maxSendRate]: perInstanceSendRate(config.email),
      [ENV.maxReceiveCount]: config.send.maxReceiveCount,
      [ENV.backoffBaseSeconds]: config.send.backoffBaseSeconds,
      [ENV.backoffMaxSeconds]: config.send.backoffMaxSeconds,
      [ENV.ignoreUnsupportedFeatures]: config.send.ignoreUnsupportedFeatures,
      [ENV.emailAllowedFrom]: config.email.allowedFrom,
      [ENV.attachmentBucketOwners]: { assets: '123456789012' },
      [ENV.messagesRetentionDays]: 30,
      [ENV.metricsNamespace]: 'Acme/Mail',
    });
  });

  it('gives the SMS send Lambda its slice, the range limit shared out among its instances', () => {
    // Act
    const env = readRuntimeEnv({ ...tables, ...sendEnvironment(config, 'sms') });

    // Assess
    expect(env).toMatchObject({
      [ENV.defaultProvider]: 'sns',
      [ENV.providers]: [{ name: 'sns', kind: 'sns', options: { senderId: 'Acme' } }],
      [ENV.maxSendRate]: perInstanceSendRate(config.sms),
      [ENV.smsAllowedCountries]: config.sms.allowedCountries,
      [ENV.smsDefaultMaxPrice]: 0.05,
      [ENV.smsMaxPriceCeiling]: 0.5,
      [ENV.smsRangeDigits]: config.sms.destinationRateLimit.nationalDigits,
      [ENV.smsRangeLimit]: perInstanceRangeLimit(9, config.sms.maxConcurrency),
      [ENV.smsRangeWindowSeconds]: config.sms.destinationRateLimit.windowSeconds,
    });
    expect(env[ENV.emailAllowedFrom]).toEqual([]);
  });

  it('gives the tracking and inbound Lambdas theirs; retention null sends nothing (kept forever)', () => {
    // Act
    const tracking = readRuntimeEnv({ ...tables, ...trackingEnvironment(config, ['arn:aws:sns:eu-west-1:123456789012:own']) });
    const inbound = readRuntimeEnv({ ...tables, ...inboundEnvironment(config, 'arn:aws:sns:eu-west-1:123456789012:own-receipts') });

    // Assess
    expect(tracking[ENV.suppressOn]).toEqual(['hardBounce']);
    expect(tracking[ENV.allowedTopicArns]).toEqual(['arn:aws:sns:eu-west-1:123456789012:own', ...config.tracking.allowedTopicArns]);
    expect(tracking[ENV.eventsRetentionDays]).toBeUndefined();
    expect(inbound[ENV.inboundMaxBytes]).toBe(1_000_000);
    expect(inbound[ENV.inboundAllowedTopicArns]).toEqual([
      'arn:aws:sns:eu-west-1:123456789012:own-receipts',
      ...config.inbound.allowedTopicArns,
    ]);
    expect(inbound[ENV.inboundRetentionDays]).toBe(90);
  });

  it('applies the schema defaults to a Lambda given no setting, so an unset variable means the documented default', () => {
    // Act
    const env = readRuntimeEnv(tables);
    const defaults = resolveConfig({});

    // Assess
    expect(env[ENV.maxReceiveCount]).toBe(defaults.send.maxReceiveCount);
    expect(env[ENV.backoffMaxSeconds]).toBe(defaults.send.backoffMaxSeconds);
    expect(env[ENV.suppressOn]).toEqual(defaults.tracking.suppressOn);
    expect(env[ENV.inboundMaxBytes]).toBe(defaults.inbound.maxBytes);
    expect(env[ENV.metricsNamespace]).toBe(defaults.operations.metricsNamespace);
  });

  it('refuses at start-up what the synth would have refused, with the same bounds', () => {
    expect(() => readRuntimeEnv({ ...tables, [ENV.backoffMaxSeconds]: '43201' })).toThrow(/MAILROOM_BACKOFF_MAX_SECONDS: Too big/);
    expect(() => readRuntimeEnv({ ...tables, [ENV.smsRangeDigits]: '13' })).toThrow(/MAILROOM_SMS_RANGE_DIGITS/);
    expect(() => readRuntimeEnv({ ...tables, [ENV.suppressOn]: 'softBounce' })).toThrow(/MAILROOM_SUPPRESS_ON/);
    expect(() => readRuntimeEnv({ ...tables, [ENV.providers]: '{not json' })).toThrow(/MAILROOM_PROVIDERS: is not JSON/);
  });
});
