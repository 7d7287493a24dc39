import { describe, expect, it } from 'vitest';
import {
  PartialSendError,
  PermanentProviderError,
  TransientProviderError,
  UnsupportedFeatureError,
} from '../../../src/providers/errors.js';
import { classifySendFailure } from '../../../src/send/errors.js';

describe('classifySendFailure', () => {
  it('reads throttling as "slow down", other retryable errors as transient, the rest as permanent', () => {
    expect(classifySendFailure(new TransientProviderError('rate', { provider: 'ses', code: 'throttled' })).kind).toBe('throttle');
    expect(classifySendFailure(new TransientProviderError('5xx', { provider: 'ses', code: 'provider_error' })).kind).toBe('transient');
    expect(classifySendFailure(new PermanentProviderError('no', { provider: 'ses', code: 'message_rejected' }))).toEqual({
      kind: 'permanent',
      error: { code: 'message_rejected', message: 'no', retryable: false },
    });
    expect(classifySendFailure(new UnsupportedFeatureError('ses', ['amp', 'sendAt'])).error).toEqual({
      code: 'unsupported_feature',
      message: 'provider ses does not support amp; sendAt',
      retryable: false,
    });
  });

  it("reads a bulk entry's daily-quota status as throttling, as SES's ThrottlingException for a single send is", () => {
    expect(classifySendFailure(new TransientProviderError('quota', { provider: 'ses', code: 'daily_quota_exceeded' })).kind).toBe(
      'throttle',
    );
  });

  it('keeps the recipients a partial send settled', () => {
    const partial = new PartialSendError('half', {
      provider: 'ses',
      code: 'transient_failure',
      recipients: { 'a@x.example': { status: 'queued' } },
      unsettled: ['b@x.example'],
    });
    expect(classifySendFailure(partial)).toMatchObject({ kind: 'transient', recipients: { 'a@x.example': { status: 'queued' } } });
  });

  it('treats an error no adapter translated as transient, so it is retried and then dead-lettered, never lost', () => {
    expect(classifySendFailure(new TypeError('x is undefined'))).toEqual({
      kind: 'transient',
      error: { code: 'internal_error', message: 'TypeError: x is undefined', retryable: true },
    });
    expect(classifySendFailure('boom').error.message).toBe('boom');
  });
});
