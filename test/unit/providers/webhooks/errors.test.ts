/** docs/contract.md §8: a refused webhook is answered 401/403 (400 for a body that is not the provider's). */
import { describe, expect, it } from 'vitest';
import { constantTimeEqual } from '../../../../src/providers/webhooks/compare.js';
import { WEBHOOK_REFUSAL_REASONS, WebhookRefusedError } from '../../../../src/providers/webhooks/errors.js';

describe('WebhookRefusedError', () => {
  it.each([
    ['missing_signature', 401],
    ['bad_signature', 401],
    ['stale', 403],
    ['replayed', 403],
    ['bad_credentials', 403],
    ['malformed', 400],
  ] as const)('%s → %i', (reason, status) => {
    const error = new WebhookRefusedError(reason, 'x');
    expect(error.status).toBe(status);
    expect(error.name).toBe('WebhookRefusedError');
    expect(error.retryable).toBe(false);
  });

  it('answers every reason with 400, 401 or 403', () => {
    for (const reason of WEBHOOK_REFUSAL_REASONS) expect([400, 401, 403]).toContain(new WebhookRefusedError(reason, 'x').status);
  });
});

describe('constantTimeEqual', () => {
  it('compares strings and buffers of any length without throwing', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
    expect(constantTimeEqual(Buffer.from('x'), 'x')).toBe(true);
    expect(constantTimeEqual('', 'x')).toBe(false);
  });
});
