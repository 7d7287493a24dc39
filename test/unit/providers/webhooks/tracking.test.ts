/**
 * Every tracking fixture of every provider, normalized: the mapping its `_expect` states, the
 * §3 shape, our message id joined from the provider metadata, tags and metadata copied, and
 * the same payload twice giving the same event ids.
 */
import { describe, expect, it } from 'vitest';
import type { NormalizedEvent } from '../../../../src/contract/records.js';
import { normalizeTracking as mailgun } from '../../../../src/providers/kinds/mailgun/webhook.js';
import { normalizeTracking as postmark } from '../../../../src/providers/kinds/postmark/webhook.js';
import { normalizeTracking as resend } from '../../../../src/providers/kinds/resend/webhook.js';
import { normalizeTracking as sendgrid } from '../../../../src/providers/kinds/sendgrid/webhook.js';
import { RECEIVED_AT, type WebhookKind, webhookFixture, webhookFixtureNames } from '../../../support/webhook-fixtures.js';
import { assertEventShape } from './shape.js';

const NORMALIZERS = { mailgun, sendgrid, postmark, resend } as const;
const ctx = (kind: WebhookKind) => ({ instance: `${kind}-eu`, receivedAt: RECEIVED_AT });

describe.each(Object.keys(NORMALIZERS) as WebhookKind[])('%s tracking fixtures', (kind) => {
  const normalize = NORMALIZERS[kind];
  const names = webhookFixtureNames(kind, 'tracking');

  it('has fixtures for the provider', () => {
    expect(names.length).toBeGreaterThanOrEqual(10);
  });

  it.each(names)('%s', (name) => {
    // Prepare
    const f = webhookFixture(kind, name);
    // Act
    const events = normalize(structuredClone(f.payload), ctx(kind));
    // Assess
    expect(events).toHaveLength(Math.max(1, f.expect.recipients));
    for (const e of events) {
      assertEventShape(e);
      expect(e.eventType).toBe(f.expect.eventType);
      expect(e.provider).toBe(`${kind}-eu`);
      expect(e.receivedAt).toBe(RECEIVED_AT);
      expect(e.raw).toEqual(Array.isArray(f.payload) ? f.payload[0] : f.payload);
      if (f.expect.bounceType) expect(e.bounceType).toBe(f.expect.bounceType);
      expect(e.rejectReason).toBe(f.expect.rejectReason);
      if (f.expect.mtaResponse) expect(e.mtaResponse).toContain(f.expect.mtaResponse);
      if (f.expect.clickUrl) expect(e.clickUrl).toBe(f.expect.clickUrl);
      if (f.expect.userAgent) expect(e.userAgent).toMatch(/Mozilla/);
      if (f.expect.eventType !== 'unknown') {
        // Documented events happened at a documented time, never at receipt.
        expect(e.timestamp).not.toBe(RECEIVED_AT);
        expect(e.messageId).toBe('order-1001');
        expect(e.recipient).toMatch(/@/);
        expect(e.providerMessageId).toBeTruthy();
        expect(e.metadata).toBeDefined();
        expect(Object.keys(e.metadata!)).not.toContain('mailroom_id');
      }
    }
  });

  it.each(names)('%s twice gives the same event ids (dedupe on replay)', (name) => {
    const f = webhookFixture(kind, name);
    const first = normalize(structuredClone(f.payload), ctx(kind));
    const again = normalize(structuredClone(f.payload), { ...ctx(kind), receivedAt: '2027-06-01T00:00:00.000Z' });
    expect(again.map((e) => e.eventId)).toEqual(first.map((e) => e.eventId));
  });

  it('gives every fixture distinct event ids', () => {
    const ids = names.flatMap((n) => normalize(structuredClone(webhookFixture(kind, n).payload), ctx(kind)).map((e) => e.eventId));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('keeps a payload that is not an object as one unknown event with its raw', () => {
    for (const raw of [null, 'text', 42, [], {}]) {
      const events: NormalizedEvent[] = normalize(raw, ctx(kind));
      expect(events.length).toBeGreaterThanOrEqual(kind === 'sendgrid' && Array.isArray(raw) ? 0 : 1);
      for (const e of events) {
        assertEventShape(e);
        expect(e.eventType).toBe('unknown');
        expect(e.raw).toEqual(raw);
      }
    }
  });
});
