/**
 * The ingest step end to end on the local servers: real EventStore, MessageStore,
 * MessageProgress and SuppressionStore on DynamoDB Local, fed the documented SES and SNS SMS
 * payloads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeTagValue, MESSAGE_ID_TAG } from '../../../src/providers/email/ses-tags.js';
import { EventStore } from '../../../src/store/events.js';
import { MessageStore } from '../../../src/store/messages.js';
import { SuppressionStore } from '../../../src/store/suppressions.js';
import type { IngestDeps } from '../../../src/tracking/deps.js';
import { ingestEvents, ingestNotification } from '../../../src/tracking/ingest.js';
import { normalizeSnsSmsEvent } from '../../../src/tracking/normalizers/sns-sms.js';
import { createIngestDeps } from '../../../src/tracking/wiring.js';
import { type LocalEnv, localEnv } from '../../support/local.js';
import { fixture, type Json } from '../../support/tracking-fixtures.js';

let env: LocalEnv;
let deps: IngestDeps;
let events: EventStore;
let messages: MessageStore;
let suppressions: SuppressionStore;
let seq = 0;

beforeAll(async () => {
  env = await localEnv();
  const wiring = {
    doc: env.clients.doc,
    tables: env.resources.tables,
    payload: { s3: env.clients.s3, bucket: env.resources.buckets.payload },
  };
  deps = createIngestDeps(wiring);
  events = new EventStore(env.clients.doc, env.resources.tables.events);
  messages = new MessageStore(env.clients.doc, env.resources.tables.messages);
  suppressions = new SuppressionStore(env.clients.doc, env.resources.tables.suppressions);
});
afterAll(() => env.clients.destroy());

/** A message the send pipeline sent: begun, claimed and marked sent with the SES id. */
async function sentMessage(opts: {
  recipients: string[];
  channel?: 'email' | 'sms';
  tags?: string[];
  metadata?: Record<string, string | number | boolean>;
}) {
  const id = `msg:${++seq}.${Date.now()}`;
  const providerMessageId = `ses-${seq}-${Date.now()}`;
  const channel = opts.channel ?? 'email';
  const provider = channel === 'sms' ? 'sns' : 'ses';
  await messages.begin({
    id,
    channel,
    provider,
    recipients: opts.recipients,
    now: '2024-01-01T00:00:00.000Z',
    bodySha256: 'h',
    idDerived: false,
    tags: opts.tags,
    metadata: opts.metadata,
  });
  const claim = await messages.claim(id, { now: '2024-01-01T00:00:00.000Z', leaseUntil: '2099-01-01T00:00:00.000Z', receiveCount: 1 });
  if (!claim.claimed) throw new Error('claim failed');
  await messages.markSent(id, claim.token, {
    provider,
    providerMessageId,
    sentAt: '2024-01-01T00:00:01.000Z',
    recipients: Object.fromEntries(opts.recipients.map((r) => [r, { status: 'sent' as const }])),
  });
  return { id, providerMessageId };
}

/** A documented SES event rewritten to be about our message (SES id, our tag, recipients). */
function about(name: string, msg: { id: string; providerMessageId: string }, opts: { tag?: boolean; recipient?: string } = {}): Json {
  const raw = fixture('ses', name);
  raw['mail']['messageId'] = msg.providerMessageId;
  if (opts.tag !== false) raw['mail']['tags'] = { ...(raw['mail']['tags'] ?? {}), [MESSAGE_ID_TAG]: [encodeTagValue(msg.id)] };
  const r = opts.recipient ?? 'recipient@example.com';
  raw['mail']['destination'] = [r];
  for (const key of ['bounce', 'complaint', 'deliveryDelay']) {
    const list = raw[key]?.['bouncedRecipients'] ?? raw[key]?.['complainedRecipients'] ?? raw[key]?.['delayedRecipients'];
    if (list) for (const entry of list) entry.emailAddress = r;
  }
  if (raw['delivery']) raw['delivery']['recipients'] = [r];
  return raw;
}

/** What SNS delivers: the SES event as the Message of a Notification envelope. */
const envelope = (raw: Json, n = 1) => ({
  Type: 'Notification',
  MessageId: `sns-${seq}-${n}`,
  TopicArn: 'arn:aws:sns:us-east-1:123456789012:ses-events',
  Message: JSON.stringify(raw),
  Timestamp: '2030-01-01T00:00:00.000Z',
});

describe('ingestNotification', () => {
  it('stores one event per recipient joined to our message: id, tags and metadata from the record; status moves forward', async () => {
    // Prepare
    const msg = await sentMessage({ recipients: ['recipient@example.com'], tags: ['welcome'], metadata: { userId: 7 } });
    // Act
    const sent = await ingestNotification(envelope(about('event-send', msg)), deps);
    const delivered = await ingestNotification(envelope(about('event-delivery', msg), 2), deps);
    // Assess
    expect([sent.stored, delivered.stored]).toEqual([1, 1]);
    const stored = await events.byMessage(msg.id);
    expect(stored.map((e) => e.eventType)).toEqual(['sent', 'delivered']);
    for (const e of stored)
      expect(e).toMatchObject({ messageId: msg.id, providerMessageId: msg.providerMessageId, tags: ['welcome'], metadata: { userId: 7 } });
    // The SES tags of the payload (myCustomTag1…) lose to the record's metadata.
    expect(stored[1]?.metadata).toEqual({ userId: 7 });
    expect((await messages.get(msg.id))?.recipients['recipient@example.com']).toMatchObject({
      status: 'delivered',
      lastEventType: 'delivered',
    });
  });

  it('replaying the same notifications twice stores nothing new and suppresses nothing twice', async () => {
    const msg = await sentMessage({ recipients: ['recipient@example.com'] });
    const batch = [about('event-send', msg), about('event-delivery', msg), about('event-bounce-permanent-general', msg)];
    for (const raw of batch) await ingestNotification(envelope(raw), deps);
    const before = await events.byMessage(msg.id);
    const replays = [];
    for (let round = 0; round < 2; round++) for (const raw of batch) replays.push(await ingestNotification(envelope(raw, 9), deps));
    expect(replays.every((r) => r.stored === 0 && r.duplicates === 1 && r.suppressed.length === 0)).toBe(true);
    expect(await events.byMessage(msg.id)).toEqual(before);
    expect(
      (await suppressions.get('recipient@example.com'))?.sourceEventIds?.filter((id) => before.some((e) => e.eventId === id)),
    ).toHaveLength(1);
  });

  it('the same bounce delivered twice at once (two Lambda instances): stored once, suppressed once, status bounced', async () => {
    // Prepare
    const msg = await sentMessage({ recipients: ['race@example.com'] });
    const body = envelope(about('event-bounce-permanent-general', msg, { recipient: 'race@example.com' }));
    // Act
    const [a, b] = await Promise.all([ingestNotification(body, deps), ingestNotification(body, deps)]);
    // Assess: one put wins; both may have applied the (idempotent) effects.
    expect([a.stored + b.stored, a.duplicates + b.duplicates]).toEqual([1, 1]);
    expect(await events.byMessage(msg.id)).toHaveLength(1);
    expect(await suppressions.get('race@example.com')).toMatchObject({
      reason: 'hardBounce',
      count: 1,
      sourceEventIds: [a.events[0]!.eventId],
    });
    expect((await messages.get(msg.id))?.recipients['race@example.com']).toMatchObject({ status: 'bounced', lastEventType: 'bounced' });
  });

  it('out of order: delivered, then a late sent → the recipient stays delivered, both events are stored', async () => {
    const msg = await sentMessage({ recipients: ['recipient@example.com'] });
    await ingestNotification(envelope(about('event-delivery', msg)), deps);
    const late = await ingestNotification(envelope(about('event-send', msg)), deps);
    expect(late).toMatchObject({ stored: 1, progressed: 0 });
    expect((await messages.get(msg.id))?.recipients['recipient@example.com']?.status).toBe('delivered');
    expect((await events.byMessage(msg.id)).map((e) => e.eventType).sort()).toEqual(['delivered', 'sent']);
  });

  it('a permanent bounce suppresses the address with reason and source event; a transient one does not', async () => {
    const hard = await sentMessage({ recipients: ['hard@example.com'] });
    const soft = await sentMessage({ recipients: ['soft@example.com'] });
    const h = await ingestNotification(envelope(about('event-bounce-permanent-noemail', hard, { recipient: 'hard@example.com' })), deps);
    const s = await ingestNotification(
      envelope(about('event-bounce-transient-mailboxfull', soft, { recipient: 'soft@example.com' })),
      deps,
    );
    expect(h.suppressed).toEqual([{ address: 'hard@example.com', reason: 'hardBounce' }]);
    expect(s.suppressed).toEqual([]);
    expect(await suppressions.get('hard@example.com')).toMatchObject({ reason: 'hardBounce', sourceEventIds: [h.events[0]!.eventId] });
    expect(await suppressions.get('soft@example.com')).toBeUndefined();
    expect((await messages.get(hard.id))?.recipients['hard@example.com']).toMatchObject({ status: 'bounced' });
  });

  it('complaints and unsubscribe-all suppress; not-spam and a single-topic opt-out do not', async () => {
    const cases = [
      ['event-complaint-abuse', 'c1@example.com', 'complaint'],
      ['event-subscription-unsubscribe-all', 'u1@example.com', 'unsubscribe'],
      ['event-complaint-not-spam', 'c2@example.com', undefined],
      ['event-subscription-topic-opt-out', 'u2@example.com', undefined],
    ] as const;
    for (const [name, address, reason] of cases) {
      const msg = await sentMessage({ recipients: [address] });
      await ingestNotification(about(name, msg, { recipient: address }), deps);
      expect((await suppressions.get(address))?.reason).toBe(reason);
    }
  });

  it('honours suppressOn: a reason that is not enabled adds nothing', async () => {
    const msg = await sentMessage({ recipients: ['keep@example.com'] });
    const only = { ...deps, suppressOn: ['hardBounce'] as const };
    const out = await ingestNotification(about('event-complaint-abuse', msg, { recipient: 'keep@example.com' }), only);
    expect(out).toMatchObject({ stored: 1, suppressed: [] });
    expect(await suppressions.get('keep@example.com')).toBeUndefined();
  });

  it('joins through the SES message id when the payload has no tag (identity notifications)', async () => {
    const msg = await sentMessage({ recipients: ['jane@example.com'], tags: ['receipt'] });
    const raw = fixture('ses', 'notification-delivery');
    raw['mail']['messageId'] = msg.providerMessageId;
    const out = await ingestNotification(raw, deps);
    expect(out.events[0]).toMatchObject({ messageId: msg.id, tags: ['receipt'] });
    expect((await messages.get(msg.id))?.recipients['jane@example.com']?.status).toBe('delivered');
  });

  it('mail we did not send is stored under its provider message id, with tags and metadata from its headers', async () => {
    const raw = fixture('ses', 'event-send');
    raw['mail']['messageId'] = `foreign-${Date.now()}`;
    raw['mail']['headers'].push({ name: 'X-Tag', value: 'legacy' }, { name: 'X-Metadata', value: '{"crm": "abc"}' });
    const out = await ingestNotification(raw, deps);
    expect(out).toMatchObject({ stored: 1, progressed: 0 });
    const [stored] = await events.byMessage(raw['mail']['messageId']);
    expect(stored).toMatchObject({ eventType: 'sent', tags: ['legacy'], metadata: { crm: 'abc', myCustomTag1: 'myCustomTagValue1' } });
    expect(stored?.messageId).toBeUndefined();
  });

  it('an event it does not understand is stored as unknown with the raw payload, never dropped', async () => {
    const msg = await sentMessage({ recipients: ['recipient@example.com'] });
    const raw = { ...about('event-send', msg), eventType: 'Teleported' };
    const out = await ingestNotification(envelope(raw), deps);
    expect(out).toMatchObject({ stored: 1, unknown: 1 });
    const [stored] = await events.byMessage(msg.id);
    expect(stored).toMatchObject({ eventType: 'unknown', raw });
    expect((await messages.get(msg.id))?.recipients['recipient@example.com']?.status).toBe('sent');
  });

  it('setup notices and SNS control messages are not events', async () => {
    expect((await ingestNotification(envelope(fixture('ses', 'notification-subscription-succeeded')), deps)).ignored).toMatch(
      /setup notice/,
    );
    expect((await ingestNotification({ ...envelope({}), Type: 'SubscriptionConfirmation' }, deps)).ignored).toMatch(
      /SubscriptionConfirmation/,
    );
  });

  it('if the put fails after the effects, the retry applies them again and stores the event once', async () => {
    const msg = await sentMessage({ recipients: ['retry@example.com'] });
    let failures = 1;
    const flaky: IngestDeps = {
      ...deps,
      events: {
        has: (id) => deps.events.has(id),
        put: async (e) => {
          if (failures-- > 0) throw new Error('throttled');
          return deps.events.put(e);
        },
      },
    };
    const raw = about('event-bounce-permanent-general', msg, { recipient: 'retry@example.com' });
    await expect(ingestNotification(raw, flaky)).rejects.toThrow('throttled');
    const retry = await ingestNotification(raw, flaky);
    expect(retry).toMatchObject({ stored: 1, suppressed: [{ address: 'retry@example.com', reason: 'hardBounce' }] });
    expect(await suppressions.get('retry@example.com')).toMatchObject({ count: 1 });
    expect((await messages.get(msg.id))?.recipients['retry@example.com']?.status).toBe('bounced');
    expect(await events.byMessage(msg.id)).toHaveLength(1);
  });
});

describe('ingestEvents with SMS receipts', () => {
  it('joins an SNS SMS receipt to our message by the SNS MessageId and moves the number forward', async () => {
    const msg = await sentMessage({ recipients: ['+12065550100'], channel: 'sms', metadata: { otp: true } });
    const entry = {
      ...fixture('sns-sms', 'success'),
      notification: { messageId: msg.providerMessageId, timestamp: '2024-01-01 00:00:05.000' },
    };
    const out = await ingestEvents(normalizeSnsSmsEvent(entry, { receivedAt: new Date().toISOString(), provider: 'sns' }), deps);
    expect(out.events[0]).toMatchObject({ eventType: 'delivered', channel: 'sms', messageId: msg.id, metadata: { otp: true } });
    expect((await messages.get(msg.id))?.recipients['+12065550100']).toMatchObject({ status: 'delivered' });
  });

  it('an opted-out number is suppressed (unsubscribe)', async () => {
    const msg = await sentMessage({ recipients: ['+12065550101'], channel: 'sms' });
    const entry = {
      ...fixture('sns-sms', 'failure-opted-out'),
      notification: { messageId: msg.providerMessageId, timestamp: '2024-01-01 00:00:05.000' },
    };
    const out = await ingestEvents(normalizeSnsSmsEvent(entry, { receivedAt: new Date().toISOString(), provider: 'sns' }), deps);
    expect(out.suppressed).toEqual([{ address: '+12065550101', reason: 'unsubscribe' }]);
    expect((await messages.get(msg.id))?.recipients['+12065550101']?.status).toBe('failed');
  });
});
