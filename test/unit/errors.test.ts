import { describe, expect, it } from 'vitest';
import { describeError, errorMessage, MailroomError, StorageError, UnknownProviderError } from '../../src/errors.js';

describe('describeError and errorMessage', () => {
  it('name an error by class and message for logs, by message alone for people', () => {
    const error = new UnknownProviderError('email', 'postmark');
    expect(describeError(error)).toBe('UnknownProviderError: no email provider named "postmark" is configured');
    expect(errorMessage(error)).toBe('no email provider named "postmark" is configured');
  });

  it('turn a thrown non-error into text', () => {
    expect(describeError('boom')).toBe('boom');
    expect(errorMessage(42)).toBe('42');
  });
});

describe('UnknownProviderError', () => {
  it('is permanent, carries its scope and provider, and is a MailroomError', () => {
    const error = new UnknownProviderError('tracking', 'mailgun');
    expect(error).toBeInstanceOf(MailroomError);
    expect(error).toMatchObject({
      code: 'unknown_provider',
      retryable: false,
      scope: 'tracking',
      provider: 'mailgun',
      name: 'UnknownProviderError',
    });
  });
});

describe('StorageError', () => {
  it('says what failed, on what, and why', () => {
    const error = new StorageError(
      's3:GetObject',
      { bucket: 'b', key: undefined },
      { cause: Object.assign(new Error('gone'), { name: 'NoSuchKey' }) },
    );
    expect(error.message).toBe('s3:GetObject failed (bucket=b): NoSuchKey: gone');
    expect(error.retryable).toBe(true);
  });
});
