/**
 * Async wiring: a channel's adapters built with credentials from the secret source, once per
 * cold start; a failed build (a throttled Secrets Manager read) retried by the next event.
 */
import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { type ChannelWiring, sendDepsFromEnv } from '../../../lambdas/send/deps.js';
import { smsWiring } from '../../../lambdas/send/sms.js';
import { sendEnvironment } from '../../../src/config/lambda-env.js';
import { resolveConfig } from '../../../src/config/resolve.js';
import { ConfigError } from '../../../src/errors.js';
import { coldStart } from '../../../src/handlers/cold-start.js';
import { createSendHandler } from '../../../src/handlers/send.js';
import { TransientProviderError } from '../../../src/providers/errors.js';
import { loadProviderSecret } from '../../../src/providers/secrets/load.js';
import type { SecretSource } from '../../../src/providers/secrets/source.js';
import type { SendProcessor } from '../../../src/send/types.js';

const env = {
  MAILROOM_MESSAGES_TABLE: 'm',
  MAILROOM_SUPPRESSIONS_TABLE: 's',
  MAILROOM_QUEUE_URL: 'q',
  MAILROOM_DLQ_URL: 'd',
  AWS_REGION: 'eu-west-1',
  ...sendEnvironment(resolveConfig({}), 'sms'),
};

class CountingSecrets implements SecretSource {
  reads: string[] = [];
  constructor(private readonly values: Record<string, string>) {}
  async getSecretString(name: string): Promise<string | undefined> {
    this.reads.push(name);
    return this.values[name];
  }
}

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const emptyBatch: SQSEvent = { Records: [] };

describe('async send wiring', () => {
  it('hands the adapters a secret source and awaits them before the first message', async () => {
    const secrets = new CountingSecrets({ 'mailroom/acme': JSON.stringify({ apiKey: 'k-1' }) });
    const seen: string[] = [];
    const wiring: ChannelWiring = {
      ...smsWiring,
      async providers(instances, ctx) {
        const { apiKey } = await loadProviderSecret(ctx.secrets, 'mailroom/acme', z.object({ apiKey: z.string() }));
        seen.push(apiKey);
        return smsWiring.providers(instances, ctx);
      },
    };
    const deps = await sendDepsFromEnv(env, wiring, { secrets });
    expect(typeof deps.processor.processRecord).toBe('function');
    expect(seen).toEqual(['k-1']);
    expect(secrets.reads).toEqual(['mailroom/acme']);
  });

  it('fails the wiring with a ConfigError when the secret is missing', async () => {
    const wiring: ChannelWiring = {
      ...smsWiring,
      providers: async (instances, ctx) =>
        loadProviderSecret(ctx.secrets, 'mailroom/absent', z.object({})).then(() => smsWiring.providers(instances, ctx)),
    };
    await expect(sendDepsFromEnv(env, wiring, { secrets: new CountingSecrets({}) })).rejects.toThrow(
      /secret "mailroom\/absent": not found/,
    );
    await expect(sendDepsFromEnv(env, wiring, { secrets: new CountingSecrets({}) })).rejects.toBeInstanceOf(ConfigError);
  });
});

describe('coldStart', () => {
  it('builds once for every invocation, and builds again after a failure', async () => {
    let builds = 0;
    const processor = { processRecord: async () => ({ kind: 'sent', id: 'x', recorded: true }) } as unknown as SendProcessor;
    const handler = createSendHandler(async () => {
      builds++;
      if (builds === 1) throw new TransientProviderError('secrets: Throttling', { provider: 'secrets', code: 'throttled' });
      return { processor, logger: silent };
    });
    await expect(handler(emptyBatch)).rejects.toBeInstanceOf(TransientProviderError);
    await expect(handler(emptyBatch)).resolves.toEqual({ batchItemFailures: [] });
    await handler(emptyBatch);
    expect(builds).toBe(2);
  });

  it('starts an eager build at once, without an unhandled rejection when it fails', async () => {
    let builds = 0;
    const get = coldStart(
      async () => {
        builds++;
        if (builds === 1) throw new Error('init failed');
        return 'ready';
      },
      { eager: true },
    );
    expect(builds).toBe(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(builds).toBe(1);
    await expect(get()).resolves.toBe('ready');
    await expect(get()).resolves.toBe('ready');
    expect(builds).toBe(2);
  });
});
