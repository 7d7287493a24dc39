/**
 * The send policy in the send path (issue 8, items 2 and 3), with the real SES and SNS adapters
 * on mocked SDK clients: what the operator does not allow is refused, permanently and by name,
 * before the provider's API is called; pumping-shaped traffic is held, not dropped.
 */

import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Channel } from '../../../src/contract/message.js';
import { validatorFor } from '../../../src/contract/validate.js';
import { SesEmailProvider } from '../../../src/providers/email/ses.js';
import { SnsSmsProvider } from '../../../src/providers/sms/sns.js';
import { emailPolicy } from '../../../src/send/policy/email.js';
import { type SmsPolicyOptions, smsPolicy } from '../../../src/send/policy/sms.js';
import type { SendPolicy } from '../../../src/send/policy/types.js';
import { createSendProcessor } from '../../../src/send/process.js';
import { QUEUE_ATTRS } from '../../../src/send/queue.js';
import { RateLimiters } from '../../../src/send/rate-limit.js';
import { MemoryMessageStore, MemorySuppressions } from '../../support/memory-stores.js';
import { providerLookup, RecordingLogger, RecordingMetrics, RecordingQueue, sqsRecord } from '../../support/send-doubles.js';

const T0 = Date.parse('2030-01-01T00:00:00.000Z');
const sesMock = mockClient(SESv2Client);
const snsMock = mockClient(SNSClient);

beforeEach(() => {
  sesMock.reset();
  snsMock.reset();
  sesMock.on(SendEmailCommand).resolves({ MessageId: 'ses-id' });
  snsMock.on(PublishCommand).resolves({ MessageId: 'sns-id' });
});

function setup(channel: Channel, policy: SendPolicy) {
  let now = T0;
  const clock = { now: () => now };
  const messages = new MemoryMessageStore();
  const queue = new RecordingQueue();
  const metrics = new RecordingMetrics();
  const logger = new RecordingLogger();
  const providers = providerLookup({
    email: [new SesEmailProvider(new SESv2Client({ region: 'eu-west-1' }))],
    sms: [new SnsSmsProvider(new SNSClient({ region: 'eu-west-1' }))],
  });
  const processor = createSendProcessor({
    config: {
      channel,
      defaultProvider: channel === 'email' ? 'ses' : 'sns',
      maxReceiveCount: 3,
      backoff: { baseSeconds: 10, maxSeconds: 300 },
      ignoreUnsupportedFeatures: false,
    },
    validate: validatorFor(channel),
    messages,
    suppressions: new MemorySuppressions(),
    providers,
    queue,
    limiters: new RateLimiters({ ratePerSecond: 1000, now: clock.now, sleep: async (ms) => void (now += ms) }),
    policy,
    logger,
    metrics,
    clock,
    random: () => 0,
  });
  const deliver = (body: unknown) => processor.processRecord(sqsRecord(body, { sentTimestamp: now }), { deadline: now + 60_000 });
  return { messages, queue, metrics, logger, deliver, advance: (ms: number) => void (now += ms) };
}

const email = (from: string, id = 'e-1') => ({ channel: 'email', id, from, to: 'ann@example.com', subject: 'Hi', text: 'Hello' });
const sms = (to: string, id: string, over: Record<string, unknown> = {}) => ({
  channel: 'sms',
  id,
  to,
  body: 'Your code is 123456',
  ...over,
});

describe('send policy: senders scoped (email.allowedFrom)', () => {
  const policy = emailPolicy({ allowedFrom: ['noreply@acme.io', '*@notify.acme.io'] });

  it('refuses a From outside the list before SES is called: failed, named, dead-lettered with the reason', async () => {
    // Prepare
    const t = setup('email', policy);

    // Act
    const outcome = await t.deliver(email('CEO <ceo@acme.io>'));

    // Assess
    expect(outcome).toEqual({ kind: 'failed', id: 'e-1', code: 'from_not_allowed' });
    expect(sesMock.calls()).toHaveLength(0);
    expect(await t.messages.get('e-1')).toMatchObject({ status: 'failed', error: { code: 'from_not_allowed', retryable: false } });
    expect(t.queue.deadLettered).toHaveLength(1);
    expect(t.queue.deadLettered[0]!.attributes[QUEUE_ATTRS.errorCode]).toMatchObject({ StringValue: 'from_not_allowed' });
    expect(t.metrics.counts).toMatchObject({ refused: 1, failed: 1 });
  });

  it('sends from an exact address or one matching a pattern, as IAM StringLike would', async () => {
    // Prepare
    const t = setup('email', policy);

    // Act
    const exact = await t.deliver(email('noreply@acme.io', 'e-2'));
    const pattern = await t.deliver(email('Alerts <alerts@notify.acme.io>', 'e-3'));
    const lookalike = await t.deliver(email('alerts@notify.acme.io.evil.example', 'e-4'));

    // Assess
    expect([exact.kind, pattern.kind]).toEqual(['sent', 'sent']);
    expect(lookalike).toMatchObject({ kind: 'failed', code: 'from_not_allowed' });
    expect(sesMock.commandCalls(SendEmailCommand).map((c) => c.args[0].input.FromEmailAddress)).toEqual([
      'noreply@acme.io',
      'Alerts <alerts@notify.acme.io>',
    ]);
  });
});

describe('send policy: SMS pumping guardrails', () => {
  const guarded = (over: Partial<SmsPolicyOptions> = {}) =>
    smsPolicy({ allowedCountries: ['GB', 'US'], maxPriceCeiling: 0.5, defaultMaxPrice: 0.1, ...over });

  it('refuses a destination outside sms.allowedCountries permanently, by name, without calling SNS', async () => {
    // Prepare: a French mobile number.
    const t = setup('sms', guarded());

    // Act
    const outcome = await t.deliver(sms('+33612345678', 's-fr'));

    // Assess
    expect(outcome).toEqual({ kind: 'failed', id: 's-fr', code: 'country_not_allowed' });
    expect(snsMock.calls()).toHaveLength(0);
    expect(await t.messages.get('s-fr')).toMatchObject({
      status: 'failed',
      error: { code: 'country_not_allowed', message: expect.stringContaining('FR') },
    });
    expect(t.queue.deadLettered[0]!.attributes[QUEUE_ATTRS.errorCode]).toMatchObject({ StringValue: 'country_not_allowed' });
  });

  it('refuses a maxPrice above the ceiling, and applies the default MaxPrice when the message names none', async () => {
    // Prepare
    const t = setup('sms', guarded());

    // Act
    const above = await t.deliver(sms('+14155550100', 's-dear', { maxPrice: 0.75 }));
    const defaulted = await t.deliver(sms('+14155550100', 's-default'));
    const own = await t.deliver(sms('+14155550100', 's-own', { maxPrice: 0.2 }));

    // Assess
    expect(above).toMatchObject({ kind: 'failed', code: 'max_price_above_ceiling' });
    expect([defaulted.kind, own.kind]).toEqual(['sent', 'sent']);
    const prices = snsMock
      .commandCalls(PublishCommand)
      .map((c) => c.args[0].input.MessageAttributes?.['AWS.SNS.SMS.MaxPrice']?.StringValue);
    expect(prices).toEqual(['0.1', '0.2']);
  });

  it('holds the messages past the limit for one destination range (errored, reason, metric) and sends them once the window has room', async () => {
    // Prepare: 2 messages per 6-digit range per minute.
    const t = setup('sms', guarded({ destinationLimit: { nationalDigits: 6, limit: 2, windowSeconds: 60 } }));
    await t.deliver(sms('+14155550100', 's-1'));
    await t.deliver(sms('+14155550101', 's-2'));

    // Act
    const held = await t.deliver(sms('+14155550102', 's-3'));
    const otherRange = await t.deliver(sms('+14155560100', 's-4'));
    t.advance(61_000);
    const later = await t.deliver(sms('+14155550102', 's-3'));

    // Assess
    expect(held).toMatchObject({ kind: 'retry', id: 's-3', code: 'destination_held', delaySeconds: 60, via: 'visibility' });
    expect(otherRange.kind).toBe('sent');
    expect(later.kind).toBe('sent');
    expect(t.metrics.counts.held).toBe(1);
    expect(t.queue.visibility).toContainEqual(expect.objectContaining({ seconds: 60 }));
    const warn = t.logger.lines.find((l) => l.message.startsWith('held'));
    expect(warn?.extra).toMatchObject({ messageId: 's-3', range: '+1 415555' });
    // The hold was a throttle: it did not use up the retry budget.
    expect(await t.messages.get('s-3')).toMatchObject({ status: 'sent', throttles: 1 });
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(4);
  });

  it('records a held message errored with its reason until it is retried', async () => {
    // Prepare
    const t = setup('sms', guarded({ destinationLimit: { nationalDigits: 6, limit: 1, windowSeconds: 600 } }));
    await t.deliver(sms('+14155550100', 's-1'));

    // Act
    await t.deliver(sms('+14155550101', 's-2'));

    // Assess
    expect(await t.messages.get('s-2')).toMatchObject({
      status: 'errored',
      error: { code: 'destination_held', retryable: true, message: expect.stringContaining('+1 415555') },
    });
  });
});
