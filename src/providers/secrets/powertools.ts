/**
 * SecretSource over Powertools Parameters' SecretsProvider
 * (https://docs.powertools.aws.dev/lambda/typescript/latest/features/parameters/): one
 * GetSecretValue per secret per container, cached for `maxAgeSeconds`, after which the next
 * read fetches again, so a rotated key is picked up within that time without a redeploy.
 * Powertools' own JSON transform is not used: its error message quotes the value.
 */
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SecretSource } from './source.js';

export interface PowertoolsSecretSourceOptions {
  /** A client of your own (region, endpoint, tests); default: one Powertools builds. */
  readonly client?: SecretsManagerClient;
  /** How long a value is reused before it is fetched again. @default 300 */
  readonly maxAgeSeconds?: number;
}

export class PowertoolsSecretSource implements SecretSource {
  private readonly provider: SecretsProvider;
  private readonly maxAgeSeconds: number;

  constructor(opts: PowertoolsSecretSourceOptions = {}) {
    this.provider = new SecretsProvider(opts.client ? { awsSdkV3Client: opts.client } : {});
    this.maxAgeSeconds = opts.maxAgeSeconds ?? 300;
  }

  async getSecretString(name: string): Promise<string | undefined> {
    let value: string | Uint8Array | undefined;
    try {
      value = await this.provider.get(name, { maxAge: this.maxAgeSeconds });
    } catch (error) {
      // Powertools wraps the SDK error (GetParameterError); the SDK error is what tells a
      // missing secret from a throttled call.
      const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
      if (errorName(cause) === 'ResourceNotFoundException') return undefined;
      throw cause;
    }
    return value === undefined || typeof value === 'string' ? value : Buffer.from(value).toString('utf8');
  }
}

function errorName(error: unknown): string | undefined {
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  return typeof name === 'string' ? name : undefined;
}
