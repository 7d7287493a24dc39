import { describe, expect, it } from 'vitest';
import type { ReceiptNotification } from '../../../src/inbound/notification.js';
import { summarizeVerdicts } from '../../../src/inbound/verdicts.js';

function receipt(
  spam?: string,
  virus?: string,
  extra: Partial<Record<'spf' | 'dkim' | 'dmarc', string>> = {},
): ReceiptNotification['receipt'] {
  return {
    timestamp: '2023-10-10T10:00:00.000Z',
    recipients: ['a@example.com'],
    action: { type: 'SNS', encoding: 'UTF8' },
    ...(spam ? { spamVerdict: { status: spam } } : {}),
    ...(virus ? { virusVerdict: { status: virus } } : {}),
    ...(extra.spf ? { spfVerdict: { status: extra.spf } } : {}),
    ...(extra.dkim ? { dkimVerdict: { status: extra.dkim } } : {}),
    ...(extra.dmarc ? { dmarcVerdict: { status: extra.dmarc } } : {}),
  };
}

describe('summarizeVerdicts', () => {
  it.each([
    ['PASS', 'PASS', false],
    ['FAIL', 'PASS', true],
    ['PASS', 'FAIL', true],
    ['FAIL', 'FAIL', true],
    ['GRAY', 'PASS', undefined],
    ['PASS', 'DISABLED', undefined],
    ['DISABLED', 'DISABLED', undefined],
    ['PROCESSING_FAILED', 'PASS', undefined],
    [undefined, undefined, undefined],
    ['GRAY', 'FAIL', true],
  ])('spam %s + virus %s → spamDetected %s', (spam, virus, expected) => {
    const summary = summarizeVerdicts(receipt(spam, virus));
    expect(summary.spamDetected).toBe(expected);
    expect('spamDetected' in summary).toBe(expected !== undefined);
  });

  it('quarantines exactly when the virus verdict is FAIL', () => {
    expect(summarizeVerdicts(receipt('PASS', 'FAIL')).quarantine).toBe(true);
    expect(summarizeVerdicts(receipt('FAIL', 'PASS')).quarantine).toBe(false);
    expect(summarizeVerdicts(receipt('PASS', 'GRAY')).quarantine).toBe(false);
  });

  it('keeps all five verdicts and leaves unknown or missing ones out', () => {
    const summary = summarizeVerdicts(receipt('PASS', 'PASS', { spf: 'GRAY', dkim: 'fail', dmarc: 'SOMETHING_NEW' }));
    expect(summary.verdicts).toEqual({ spam: 'PASS', virus: 'PASS', spf: 'GRAY', dkim: 'FAIL' });
  });
});
