/**
 * loadProviderSecret: a named secret, parsed as JSON and validated with the provider's zod
 * schema, with typed failures:
 * - missing, not JSON, wrong shape, or unreadable with the function's grants (access denied,
 *   KMS decryption refused, secret scheduled for deletion) → SecretConfigError (a ConfigError:
 *   a deployment problem, no retry fixes it);
 * - throttling, network, Secrets Manager 5xx → TransientProviderError (retry later).
 * The value never appears in an error: JSON.parse's own message quotes the input, so it is
 * not passed on, and zod issues are reduced to path and expectation.
 */
import type * as z from 'zod';
import { translateAwsError } from '../aws-errors.js';
import type { ProviderError } from '../errors.js';
import { SecretConfigError } from './errors.js';
import type { SecretSource } from './source.js';

/** Secrets Manager exceptions that mean the deployment is wrong, not that AWS is having a bad minute. */
const CONFIGURATION_FAILURES = new Set([
  'ResourceNotFoundException',
  'AccessDeniedException',
  'DecryptionFailure',
  'InvalidRequestException',
  'InvalidParameterException',
]);

function errorName(error: unknown): string | undefined {
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  return typeof name === 'string' ? name : undefined;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)';
  const expected = 'expected' in issue && typeof issue.expected === 'string' ? ` (expected ${issue.expected})` : '';
  return `${path}: ${issue.code}${expected}`;
}

export interface LoadSecretOptions {
  /** The provider instance the secret belongs to, named in transient errors. @default 'secrets' */
  readonly provider?: string;
}

export async function loadProviderSecret<T>(
  source: SecretSource,
  name: string,
  schema: z.ZodType<T>,
  opts: LoadSecretOptions = {},
): Promise<T> {
  let raw: string | undefined;
  try {
    raw = await source.getSecretString(name);
  } catch (error) {
    const sdkName = errorName(error);
    if (sdkName !== undefined && CONFIGURATION_FAILURES.has(sdkName))
      throw new SecretConfigError(name, [`cannot be read (${sdkName})`], { cause: error });
    throw translateAwsError(error, opts.provider ?? 'secrets') as ProviderError;
  }
  if (raw === undefined) throw new SecretConfigError(name, ['not found (or it has no string value)']);
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new SecretConfigError(name, ['is not JSON']);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new SecretConfigError(name, parsed.error.issues.map(describeIssue));
  return parsed.data;
}
