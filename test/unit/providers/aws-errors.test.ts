import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyAwsError, describeAwsError, snakeCase, translateAwsError } from '../../../src/providers/aws-errors.js';
import { PermanentProviderError, ProviderError, TransientProviderError, UnsupportedFeatureError } from '../../../src/providers/errors.js';

describe('generic AWS error classification', () => {
  it('treats throttling names, 429 and 5xx as transient, other 4xx as permanent', () => {
    expect(classifyAwsError({ name: 'SlowDown', message: '' })).toEqual({ retryable: true, code: 'throttled' });
    expect(classifyAwsError({ name: 'Whatever', message: '', statusCode: 429 })).toEqual({ retryable: true, code: 'throttled' });
    expect(classifyAwsError({ name: 'Whatever', message: '', statusCode: 502 })).toEqual({ retryable: true, code: 'provider_error' });
    expect(classifyAwsError({ name: 'Whatever', message: '', fault: 'server' })).toEqual({ retryable: true, code: 'provider_error' });
    expect(classifyAwsError({ name: 'SomethingInvalidException', message: '', statusCode: 400 })).toEqual({
      retryable: false,
      code: 'something_invalid',
    });
    expect(classifyAwsError({ name: 'ExpiredTokenException', message: '', statusCode: 400 })).toEqual({
      retryable: true,
      code: 'credentials_expired',
    });
  });

  it('treats network failures as transient and programming errors as permanent', () => {
    expect(classifyAwsError(describeAwsError(Object.assign(new Error('x'), { code: 'EAI_AGAIN' })))).toEqual({
      retryable: true,
      code: 'network',
    });
    expect(classifyAwsError(describeAwsError(new TypeError('Cannot read properties of undefined')))).toEqual({
      retryable: false,
      code: 'internal_error',
    });
    expect(classifyAwsError(describeAwsError('a string was thrown'))).toEqual({ retryable: true, code: 'unknown_error' });
  });

  it('passes our own errors through untouched', () => {
    const own = new PermanentProviderError('x', { provider: 'ses', code: 'opted_out' });
    const unsupported = new UnsupportedFeatureError('ses', 'amp');
    expect(translateAwsError(own, 'ses')).toBe(own);
    expect(translateAwsError(unsupported, 'ses')).toBe(unsupported);
  });

  it('snake-cases exception names into codes', () => {
    expect(snakeCase('MailFromDomainNotVerifiedException')).toBe('mail_from_domain_not_verified');
    expect(snakeCase('KMSThrottling')).toBe('kmsthrottling');
  });

  it('turns anything thrown into a typed provider error', () => {
    const thrown = fc.oneof(
      fc.anything(),
      fc.record({
        name: fc.string(),
        message: fc.string(),
        $metadata: fc.record({ httpStatusCode: fc.integer({ min: 100, max: 599 }) }),
        $fault: fc.constantFrom('client', 'server'),
      }),
      fc.record({ code: fc.string(), cause: fc.anything() }),
    );
    fc.assert(
      fc.property(thrown, (error) => {
        const translated = translateAwsError(error, 'ses');
        expect(translated).toBeInstanceOf(ProviderError);
        expect(translated instanceof TransientProviderError || translated instanceof PermanentProviderError).toBe(true);
        expect((translated as ProviderError).code).toMatch(/^[a-z0-9_]+$/);
      }),
    );
  });
});
