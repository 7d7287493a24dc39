/**
 * fast-check properties per provider: on hostile payloads (test/support/hostile/webhook-arbitraries.ts)
 * the normalizer never throws and every event it returns is in the §3 shape with the payload
 * kept in `raw`; the verifier either returns the payload or throws a typed refusal (forged and
 * stale requests always the latter), nothing else.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeTagValue } from '../../../../src/providers/email/ses-tags.js';
import * as mailgun from '../../../../src/providers/kinds/mailgun/webhook.js';
import * as postmark from '../../../../src/providers/kinds/postmark/webhook.js';
import * as resend from '../../../../src/providers/kinds/resend/webhook.js';
import * as sendgrid from '../../../../src/providers/kinds/sendgrid/webhook.js';
import { WebhookRefusedError } from '../../../../src/providers/webhooks/errors.js';
import { MemoryReplayGuard } from '../../../../src/providers/webhooks/replay-guard.js';
import type { WebhookRequest } from '../../../../src/providers/webhooks/types.js';
import { fuzzParameters } from '../../../support/hostile/arbitraries.js';
import { hostileTrackingPayload, signedHostileWebhook, type WebhookSigning } from '../../../support/hostile/webhook-arbitraries.js';
import type { WebhookKind } from '../../../support/webhook-fixtures.js';
import { isEventShape } from './shape.js';

const NOW = new Date('2026-01-01T00:00:00.000Z');
const ctx = { instance: 'hostile', receivedAt: NOW.toISOString() };
const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const signing: WebhookSigning = {
  mailgun: { signingKey: 'mg-key' },
  sendgrid: { privateKey: pair.privateKey },
  postmark: { username: 'u', password: 'p' },
  resend: { signingSecret: `whsec_${randomBytes(24).toString('base64')}` },
};

const KINDS: Record<WebhookKind, { normalize: (p: unknown, c: typeof ctx) => unknown[]; verify: (r: WebhookRequest) => Promise<unknown> }> =
  {
    mailgun: { normalize: mailgun.normalizeTracking, verify: (r) => mailgun.verify(r, signing.mailgun, NOW, new MemoryReplayGuard()) },
    sendgrid: {
      normalize: sendgrid.normalizeTracking,
      verify: (r) =>
        sendgrid.verify(
          r,
          { publicKey: pair.publicKey.export({ type: 'spki', format: 'der' }).toString('base64') },
          NOW,
          new MemoryReplayGuard(),
        ),
    },
    postmark: { normalize: postmark.normalizeTracking, verify: (r) => postmark.verify(r, signing.postmark, NOW) },
    resend: { normalize: resend.normalizeTracking, verify: (r) => resend.verify(r, signing.resend, NOW, new MemoryReplayGuard()) },
  };

describe.each(Object.keys(KINDS) as WebhookKind[])('%s webhook properties', (kind) => {
  it('normalizes any hostile payload into §3 events that keep it raw, without throwing', () => {
    fc.assert(
      fc.property(hostileTrackingPayload(kind), ({ payload }) => {
        const events = KINDS[kind].normalize(payload, ctx) as Parameters<typeof isEventShape>[0][];
        return (
          events.length >= (kind === 'sendgrid' && Array.isArray(payload) ? 0 : 1) &&
          events.every((e) => isEventShape(e) && e.raw !== undefined)
        );
      }),
      fuzzParameters(200),
    );
  });

  it('verifies or refuses with a typed reason, and always refuses forged or stale requests', async () => {
    await fc.assert(
      fc.asyncProperty(signedHostileWebhook(kind, signing, Math.floor(NOW.getTime() / 1000)), async ({ request, mustRefuse }) => {
        const outcome = await KINDS[kind].verify(request).then(
          () => 'verified' as const,
          (e: unknown) => (e instanceof WebhookRefusedError ? ('refused' as const) : e),
        );
        if (outcome !== 'verified' && outcome !== 'refused') throw outcome;
        return mustRefuse ? outcome === 'refused' : outcome === 'verified';
      }),
      fuzzParameters(100),
    );
  });
});

it('a prototype-named metadata key is data on every provider', () => {
  const payloads: Record<WebhookKind, unknown> = {
    mailgun: JSON.parse(
      '{"event-data":{"event":"delivered","id":"i","timestamp":1,"recipient":"a@b.example","user-variables":{"__proto__":"p","constructor":"c","toString":1}}}',
    ),
    sendgrid: JSON.parse(
      '[{"event":"delivered","email":"a@b.example","sg_event_id":"e","timestamp":1,"__proto__":"p","constructor":"c","toString":1}]',
    ),
    postmark: JSON.parse(
      '{"RecordType":"Delivery","Recipient":"a@b.example","DeliveredAt":"2026-01-01T00:00:00Z","Metadata":{"__proto__":"p","constructor":"c","toString":1}}',
    ),
    // Resend tag names are encoded (`_` → `__`): m_ + encodeTagValue(key).
    resend: {
      type: 'email.delivered',
      created_at: '2026-01-01T00:00:00Z',
      data: {
        to: ['a@b.example'],
        tags: [
          ['__proto__', 'p'],
          ['constructor', 'c'],
          ['toString', '1'],
        ].map(([k, v]) => ({ name: `m_${encodeTagValue(k!)}`, value: v })),
      },
    },
  };
  for (const kind of Object.keys(KINDS) as WebhookKind[]) {
    const [event] = KINDS[kind].normalize(payloads[kind], ctx) as { metadata?: Record<string, unknown> }[];
    const metadata = event!.metadata!;
    expect(Object.keys(metadata).sort(), kind).toEqual(['__proto__', 'constructor', 'toString']);
    expect(metadata['constructor'], kind).toBe('c');
    expect(Object.getOwnPropertyDescriptor(metadata, '__proto__')?.value, kind).toBe('p');
    expect(Object.getPrototypeOf(metadata), kind).toBeNull();
    expect(({} as Record<string, unknown>)['constructor']).toBe(Object);
  }
});
