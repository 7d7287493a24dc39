/**
 * Provider secrets through Powertools Parameters, Secrets Manager faked with
 * aws-sdk-client-mock: one read per cold start, cached until the max age, a rotated value
 * picked up after it, and typed failures that never show the secret's value.
 */
import {
  DecryptionFailure,
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  SecretsManagerServiceException,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { ConfigError } from '../../../src/errors.js';
import { TransientProviderError } from '../../../src/providers/errors.js';
import { SecretConfigError } from '../../../src/providers/secrets/errors.js';
import { loadProviderSecret } from '../../../src/providers/secrets/load.js';
import { PowertoolsSecretSource } from '../../../src/providers/secrets/powertools.js';

const sm = mockClient(SecretsManagerClient);
const client = new SecretsManagerClient({ region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
const twilioSecret = z.object({ accountSid: z.string().startsWith('AC'), authToken: z.string().min(8) }).strict();
const NAME = 'mailroom/twilio';
const secret = (authToken: string) => JSON.stringify({ accountSid: 'AC123', authToken });

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

beforeEach(() => sm.reset());
afterEach(() => vi.useRealTimers());

describe('loading a provider secret', () => {
  it('reads the secret once and serves it from the cache', async () => {
    sm.on(GetSecretValueCommand, { SecretId: NAME }).resolves({ SecretString: secret('token-one') });
    const source = new PowertoolsSecretSource({ client, maxAgeSeconds: 300 });
    const first = await loadProviderSecret(source, NAME, twilioSecret);
    const second = await loadProviderSecret(source, NAME, twilioSecret);
    expect(first).toEqual({ accountSid: 'AC123', authToken: 'token-one' });
    expect(second).toEqual(first);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('picks up a rotated value once the max age has passed, not before', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
    sm.on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: secret('token-one') })
      .resolves({ SecretString: secret('token-two') });
    const source = new PowertoolsSecretSource({ client, maxAgeSeconds: 60 });
    expect((await loadProviderSecret(source, NAME, twilioSecret)).authToken).toBe('token-one');
    vi.setSystemTime(new Date('2026-01-01T00:00:59Z'));
    expect((await loadProviderSecret(source, NAME, twilioSecret)).authToken).toBe('token-one');
    vi.setSystemTime(new Date('2026-01-01T00:01:01Z'));
    expect((await loadProviderSecret(source, NAME, twilioSecret)).authToken).toBe('token-two');
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('reads a binary secret as UTF-8 JSON', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretBinary: new TextEncoder().encode(secret('token-bin')) });
    const loaded = await loadProviderSecret(new PowertoolsSecretSource({ client }), NAME, twilioSecret);
    expect(loaded.authToken).toBe('token-bin');
  });
});

describe('typed failures, never showing the value', () => {
  it('a missing secret is a configuration error naming it', async () => {
    sm.on(GetSecretValueCommand).rejects(
      new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret.", $metadata: { httpStatusCode: 400 } }),
    );
    const error = await failure(loadProviderSecret(new PowertoolsSecretSource({ client }), NAME, twilioSecret));
    expect(error).toBeInstanceOf(SecretConfigError);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as SecretConfigError).problems).toEqual([`secret "${NAME}": not found (or it has no string value)`]);
  });

  it("a value that is not JSON, or not the provider's shape, is a configuration error without the value", async () => {
    sm.on(GetSecretValueCommand, { SecretId: 'plain' }).resolves({ SecretString: 'hunter2-super-secret' });
    sm.on(GetSecretValueCommand, { SecretId: 'shape' }).resolves({
      SecretString: JSON.stringify({ accountSid: 'XX-hunter2-sid', authToken: 'short', extra: 'hunter2-extra' }),
    });
    const source = new PowertoolsSecretSource({ client });
    const notJson = await failure(loadProviderSecret(source, 'plain', twilioSecret));
    expect(notJson).toBeInstanceOf(SecretConfigError);
    expect((notJson as SecretConfigError).problems).toEqual(['secret "plain": is not JSON']);
    const wrongShape = await failure(loadProviderSecret(source, 'shape', twilioSecret));
    expect((wrongShape as SecretConfigError).problems).toEqual([
      'secret "shape": accountSid: invalid_format',
      'secret "shape": authToken: too_small',
      'secret "shape": (root): unrecognized_keys',
    ]);
    for (const error of [notJson, wrongShape]) {
      expect(`${error.message} ${JSON.stringify(error)} ${String(error.cause ?? '')}`).not.toMatch(/hunter2/);
    }
  });

  it('a read the function is not granted is a configuration error; throttling is transient', async () => {
    // IAM refusals are not modelled by the client: a service exception named AccessDeniedException.
    sm.on(GetSecretValueCommand, { SecretId: 'denied' }).rejects(
      new SecretsManagerServiceException({
        name: 'AccessDeniedException',
        $fault: 'client',
        message: 'not authorized to perform secretsmanager:GetSecretValue',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    sm.on(GetSecretValueCommand, { SecretId: 'kms' }).rejects(
      new DecryptionFailure({ message: 'KMS refused', $metadata: { httpStatusCode: 400 } }),
    );
    sm.on(GetSecretValueCommand, { SecretId: 'busy' }).rejects(
      new SecretsManagerServiceException({
        name: 'ThrottlingException',
        $fault: 'client',
        message: 'Rate exceeded',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const source = new PowertoolsSecretSource({ client });
    const denied = await failure(loadProviderSecret(source, 'denied', twilioSecret));
    expect(denied).toBeInstanceOf(SecretConfigError);
    expect((denied as SecretConfigError).problems).toEqual(['secret "denied": cannot be read (AccessDeniedException)']);
    const kms = await failure(loadProviderSecret(source, 'kms', twilioSecret));
    expect((kms as SecretConfigError).problems).toEqual(['secret "kms": cannot be read (DecryptionFailure)']);
    const busy = await failure(loadProviderSecret(source, 'busy', twilioSecret, { provider: 'twilio' }));
    expect(busy).toBeInstanceOf(TransientProviderError);
    expect(busy).toMatchObject({ provider: 'twilio', code: 'throttled', throttled: true, accepted: 'no' });
  });
});
