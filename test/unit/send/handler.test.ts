import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, describe, expect, it } from 'vitest';
import { sendConfigFromEnv, sendDepsFromEnv } from '../../../lambdas/send/deps.js';
import { emailWiring } from '../../../lambdas/send/email.js';
import { smsWiring } from '../../../lambdas/send/sms.js';
import { sendEnvironment } from '../../../src/config/lambda-env.js';
import { resolveConfig } from '../../../src/config/resolve.js';
import { readRuntimeEnv } from '../../../src/config/runtime.js';
import type { EmailMessage } from '../../../src/contract/email.js';
import { ConfigError } from '../../../src/errors.js';
import { createSendHandler } from '../../../src/handlers/send.js';
import { UnsupportedFeatureError } from '../../../src/providers/errors.js';
import type { RecordOutcome, SendProcessor } from '../../../src/send/types.js';
import { RecordingLogger, sqsRecord } from '../../support/send-doubles.js';

function processorReturning(byBody: Record<string, RecordOutcome | Error>) {
  const seen: { record: SQSRecord; deadline?: number }[] = [];
  const processor: SendProcessor = {
    async processRecord(record, ctx) {
      seen.push({ record, deadline: ctx?.deadline });
      const outcome = byBody[record.body]!;
      if (outcome instanceof Error) throw outcome;
      return outcome;
    },
  };
  return { processor, seen };
}

const context = { getRemainingTimeInMillis: () => 30_000 } as never;

describe('send handler', () => {
  it('reports exactly the records that must stay on the queue as batch item failures', async () => {
    // Prepare
    const { processor, seen } = processorReturning({
      sent: { kind: 'sent', id: 'a', recorded: true },
      retry: { kind: 'retry', id: 'b', code: 'timeout', delaySeconds: 30, via: 'visibility' },
      requeued: { kind: 'deferred', id: 'c', reason: 'scheduled', delaySeconds: 900, via: 'requeue' },
      failed: { kind: 'failed', id: 'd', code: 'message_rejected' },
      crash: new Error('DynamoDB is down'),
    });
    const logger = new RecordingLogger();
    const handler = createSendHandler({ processor, logger });
    const records = ['sent', 'retry', 'requeued', 'failed', 'crash'].map((b) => sqsRecord(b));
    // Act
    const response = await handler({ Records: records } satisfies SQSEvent, context);
    // Assess
    expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual([records[1]!.messageId, records[4]!.messageId].sort());
    expect(seen.every((s) => typeof s.deadline === 'number' && s.deadline > Date.now())).toBe(true);
    expect(logger.lines.filter((l) => l.level === 'error')).toHaveLength(1);
  });

  it('returns every record as a failure instead of throwing when the whole batch waits', async () => {
    const { processor } = processorReturning({
      later: { kind: 'deferred', id: 'x', reason: 'scheduled', delaySeconds: 60, via: 'visibility' },
    });
    const handler = createSendHandler({ processor, logger: new RecordingLogger() });
    const record = sqsRecord('later');
    expect(await handler({ Records: [record] }, context)).toEqual({ batchItemFailures: [{ itemIdentifier: record.messageId }] });
  });

  it('builds its dependencies once, on the first invocation', async () => {
    let built = 0;
    const { processor } = processorReturning({ ok: { kind: 'sent', id: 'a', recorded: true } });
    const handler = createSendHandler(() => {
      built++;
      return { processor, logger: new RecordingLogger() };
    });
    expect(built).toBe(0);
    await handler({ Records: [sqsRecord('ok')] }, context);
    await handler({ Records: [sqsRecord('ok')] }, context);
    expect(built).toBe(1);
  });

  it('reads its configuration from the runtime environment and lists every missing variable', () => {
    const base = { MAILROOM_MESSAGES_TABLE: 'm', MAILROOM_SUPPRESSIONS_TABLE: 's' };
    expect(() => sendConfigFromEnv(readRuntimeEnv(base), 'sms')).toThrow(ConfigError);
    try {
      sendConfigFromEnv(readRuntimeEnv(base), 'sms');
    } catch (error) {
      // queue, DLQ, default provider, send rate, provider instances
      expect((error as ConfigError).problems).toHaveLength(5);
    }
    const settings = sendEnvironment(resolveConfig({ send: { maxReceiveCount: 7, backoffBaseSeconds: 5 } }), 'sms');
    const config = sendConfigFromEnv(readRuntimeEnv({ ...base, ...settings, MAILROOM_QUEUE_URL: 'q', MAILROOM_DLQ_URL: 'd' }), 'sms');
    expect(config).toEqual({
      channel: 'sms',
      defaultProvider: 'sns',
      maxReceiveCount: 7,
      backoff: { baseSeconds: 5, maxSeconds: 900 },
      ignoreUnsupportedFeatures: false,
      queueUrl: 'q',
      dlqUrl: 'd',
      maxSendRate: 10,
    });
  });

  it('wires either channel from the environment without calling AWS', async () => {
    const env = {
      MAILROOM_MESSAGES_TABLE: 'm',
      MAILROOM_SUPPRESSIONS_TABLE: 's',
      MAILROOM_QUEUE_URL: 'q',
      MAILROOM_DLQ_URL: 'd',
      AWS_REGION: 'eu-west-1',
    };
    const config = resolveConfig({ sms: { senderId: 'Mailroom' } });
    for (const wiring of [emailWiring, smsWiring]) {
      const deps = await sendDepsFromEnv({ ...env, ...sendEnvironment(config, wiring.channel) }, wiring);
      expect(typeof deps.processor.processRecord).toBe('function');
      expect(typeof deps.logger.error).toBe('function');
    }
    const badSet = JSON.stringify([{ name: 'ses', kind: 'ses', options: { configurationSet: 'not a valid name!' } }]);
    await expect(sendDepsFromEnv({ ...env, ...sendEnvironment(config, 'email'), MAILROOM_PROVIDERS: badSet }, emailWiring)).rejects.toThrow(
      /provider "ses": configurationSet/,
    );
    const smsKindOnEmail = JSON.stringify([{ name: 'sns', kind: 'sns', options: {} }]);
    await expect(
      sendDepsFromEnv({ ...env, ...sendEnvironment(config, 'email'), MAILROOM_PROVIDERS: smsKindOnEmail }, emailWiring),
    ).rejects.toThrow(/kind "sns" does not send email/);
  });

  it('can be imported without any environment (the Lambda entry points wire themselves lazily)', async () => {
    for (const mod of [await import('../../../lambdas/send/email.js'), await import('../../../lambdas/send/sms.js')]) {
      expect(typeof mod.handler).toBe('function');
    }
  });

  it('validates each queue against its own channel only', () => {
    const sms = JSON.stringify({ channel: 'sms', to: '+14155552671', body: 'hi' });
    expect(() => emailWiring.validate(sms)).toThrow(/this queue takes email messages, not sms/);
    expect(smsWiring.validate(sms).message.channel).toBe('sms');
  });
});

describe('email wiring and the configuration set', () => {
  const env = readRuntimeEnv({
    MAILROOM_MESSAGES_TABLE: 'm',
    MAILROOM_SUPPRESSIONS_TABLE: 's',
    ...sendEnvironment(resolveConfig({ stackName: 'mailroom' }), 'email'),
  });
  const ses = mockClient(SESv2Client);
  afterAll(() => ses.restore());
  const message = (trackOpens: boolean) =>
    emailWiring.validate(
      JSON.stringify({
        channel: 'email',
        id: 'm-1',
        from: 'shop@example.com',
        to: 'ann@example.com',
        subject: 'Hi',
        text: 'Hello',
        trackOpens,
      }),
    ).message as EmailMessage;
  const ctx = { messageId: 'm-1', attempt: 1, ignoreUnsupportedFeatures: false };

  it("accepts trackOpens: true (the stack's set tracks opens) and refuses false (SES cannot turn it off per message)", async () => {
    // Prepare
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
    const provider = (
      await emailWiring.providers(env.MAILROOM_PROVIDERS ?? [], { secrets: { getSecretString: async () => undefined } })
    ).email('ses')!;
    // Act / Assess
    await expect(provider.send(message(true), ctx)).resolves.toMatchObject({ providerMessageId: 'ses-1' });
    await expect(provider.send(message(false), ctx)).rejects.toBeInstanceOf(UnsupportedFeatureError);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
    expect(ses.commandCalls(SendEmailCommand)[0]!.args[0].input.ConfigurationSetName).toBe('mailroom');
  });
});

describe('send policy wiring from the environment', () => {
  const base = { MAILROOM_MESSAGES_TABLE: 'm', MAILROOM_SUPPRESSIONS_TABLE: 's' };

  it("reads each channel's policy from its variables", () => {
    // Prepare
    const env = readRuntimeEnv({
      ...base,
      MAILROOM_EMAIL_ALLOWED_FROM: 'noreply@acme.io,*@notify.acme.io',
      MAILROOM_SMS_ALLOWED_COUNTRIES: 'GB,US',
      MAILROOM_SMS_DEFAULT_MAX_PRICE: '0.05',
      MAILROOM_SMS_MAX_PRICE_CEILING: '0.5',
      MAILROOM_SMS_RANGE_LIMIT: '1',
    });
    const smsMessage = (to: string, extra: Record<string, unknown> = {}) =>
      smsWiring.validate(JSON.stringify({ channel: 'sms', to, body: 'hi', ...extra })).message;
    const emailMessage = (from: string) =>
      emailWiring.validate(JSON.stringify({ channel: 'email', from, to: 'ann@example.com', subject: 'Hi', text: 'Hello' })).message;

    // Act
    const email = emailWiring.policy!(env);
    const sms = smsWiring.policy!(env);

    // Assess
    expect(email.admit(emailMessage('ceo@acme.io'))).toMatchObject({ ok: false, error: { code: 'from_not_allowed' } });
    expect(email.admit(emailMessage('x@notify.acme.io')).ok).toBe(true);
    expect(sms.admit(smsMessage('+33612345678'))).toMatchObject({ ok: false, error: { code: 'country_not_allowed' } });
    expect(sms.admit(smsMessage('+14155552671', { maxPrice: 0.6 }))).toMatchObject({
      ok: false,
      error: { code: 'max_price_above_ceiling' },
    });
    expect(sms.admit(smsMessage('+14155552671'))).toMatchObject({ ok: true, message: { maxPrice: 0.05 } });
    expect(sms.hold!(smsMessage('+14155552671'), 0)).toBeUndefined();
    expect(sms.hold!(smsMessage('+14155552672'), 1)).toMatchObject({ range: '+1 415555' });
  });

  it('refuses region codes that are not ISO alpha-2 at start-up', () => {
    expect(() => readRuntimeEnv({ ...base, MAILROOM_SMS_ALLOWED_COUNTRIES: 'GB,Germany' })).toThrow(ConfigError);
  });
});
