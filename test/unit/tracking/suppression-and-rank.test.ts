import { describe, expect, it } from 'vitest';
import type { NormalizedEvent } from '../../../src/contract/records.js';
import { EVENT_RANK } from '../../../src/store/message-progress.js';
import { suppressionReasonFor } from '../../../src/tracking/suppression.js';

const base: NormalizedEvent = {
  eventId: 'e',
  eventType: 'delivered',
  provider: 'ses',
  channel: 'email',
  recipient: 'a@example.com',
  timestamp: 't',
  receivedAt: 't',
};

describe('suppressionReasonFor', () => {
  it.each([
    [{ eventType: 'bounced', bounceType: 'permanent' }, 'hardBounce'],
    [{ eventType: 'bounced', bounceType: 'transient' }, undefined],
    [{ eventType: 'bounced', bounceType: 'undetermined' }, undefined],
    [{ eventType: 'complained', rejectReason: 'spam' }, 'complaint'],
    [{ eventType: 'complained' }, undefined],
    [{ eventType: 'unsubscribed', rejectReason: 'unsubscribed' }, 'unsubscribe'],
    [{ eventType: 'unsubscribed' }, undefined],
    [{ eventType: 'failed', channel: 'sms', rejectReason: 'unsubscribed' }, 'unsubscribe'],
    [{ eventType: 'failed', channel: 'sms', rejectReason: 'blocked' }, undefined],
    [{ eventType: 'rejected', rejectReason: 'blocked' }, undefined],
    [{ eventType: 'bounced', bounceType: 'permanent', recipient: undefined }, undefined],
  ] as [Partial<NormalizedEvent>, string | undefined][])('%j → %s', (fields, reason) => {
    expect(suppressionReasonFor({ ...base, ...fields })).toBe(reason);
  });
});

describe('EVENT_RANK', () => {
  const order = (a: keyof typeof EVENT_RANK, b: keyof typeof EVENT_RANK) => EVENT_RANK[a]! < EVENT_RANK[b]!;
  it('orders the delivery path and puts the final outcomes after it', () => {
    expect(order('sent', 'deferred') && order('deferred', 'delivered') && order('delivered', 'opened') && order('opened', 'clicked')).toBe(
      true,
    );
    expect(order('clicked', 'bounced') && order('delivered', 'complained') && order('bounced', 'complained')).toBe(true);
    expect(EVENT_RANK.subscribed).toBe(EVENT_RANK.unsubscribed);
    expect(EVENT_RANK.unknown).toBeUndefined();
  });
});
