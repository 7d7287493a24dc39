import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventType } from '../../../src/contract/records.js';
import { EVENT_RANK, MessageProgress } from '../../../src/store/message-progress.js';
import { MessageStore } from '../../../src/store/messages.js';
import { type LocalEnv, localEnv } from '../../support/local.js';

let env: LocalEnv;
let progress: MessageProgress;
let messages: MessageStore;
let seq = 0;
const R = 'r@example.com';
const at = (s: number) => `2024-02-01T00:00:${String(s).padStart(2, '0')}.000Z`;
const ev = (eventType: EventType, s: number, recipient = R) => ({ eventType, timestamp: at(s), recipient });

async function seed(recipients?: Record<string, unknown>): Promise<string> {
  const id = `progress-${++seq}`;
  await env.clients.doc.send(
    new PutCommand({
      TableName: env.resources.tables.messages,
      Item: {
        id,
        sk: 'message',
        channel: 'email',
        status: 'sent',
        attempts: 1,
        createdAt: at(0),
        updatedAt: at(0),
        ...(recipients ? { recipients } : {}),
      },
    }),
  );
  return id;
}

async function recipients(id: string): Promise<Record<string, Record<string, unknown>>> {
  const out = await env.clients.doc.send(new GetCommand({ TableName: env.resources.tables.messages, Key: { id, sk: 'message' } }));
  return out.Item?.['recipients'] as Record<string, Record<string, unknown>>;
}

beforeAll(async () => {
  env = await localEnv();
  progress = new MessageProgress(env.clients.doc, env.resources.tables.messages);
  messages = new MessageStore(env.clients.doc, env.resources.tables.messages);
});
afterAll(() => env.clients.destroy());

describe('MessageProgress.advance: per-recipient status only moves forward', () => {
  it('a late `sent` never overwrites `delivered`', async () => {
    const id = await seed({ [R]: { status: 'sent' } });
    expect(await progress.advance(id, ev('delivered', 5))).toBe('advanced');
    expect(await progress.advance(id, ev('sent', 1))).toBe('stale');
    expect((await recipients(id))[R]).toEqual({
      status: 'delivered',
      lastEventType: 'delivered',
      lastEventAt: at(5),
      rank: EVENT_RANK.delivered,
    });
  });

  it.each([
    [['deferred', 'delivered'], 'delivered'],
    [['delivered', 'deferred'], 'delivered'],
    [['delivered', 'opened'], 'opened'],
    [['opened', 'delivered'], 'opened'],
    [['clicked', 'opened'], 'clicked'],
    [['delivered', 'complained'], 'complained'],
    [['complained', 'delivered', 'opened'], 'complained'],
    [['delivered', 'bounced'], 'bounced'],
    [['bounced', 'delivered'], 'bounced'],
    [['sent', 'rejected', 'delivered'], 'rejected'],
    [['unknown', 'sent'], 'sent'],
  ] as [EventType[], EventType][])('%j in that arrival order ends %s', async (order, expected) => {
    const id = await seed({ [R]: { status: 'sent' } });
    for (const [i, type] of order.entries()) await progress.advance(id, ev(type, 10 + i));
    expect((await recipients(id))[R]?.['status']).toBe(expected);
  });

  it('the same rank moves on only to a later event: two opens keep the later time, a stale one does not win', async () => {
    const id = await seed({ [R]: { status: 'sent' } });
    await progress.advance(id, ev('opened', 20));
    expect(await progress.advance(id, ev('opened', 30))).toBe('advanced');
    expect(await progress.advance(id, ev('opened', 25))).toBe('stale');
    expect((await recipients(id))[R]?.['lastEventAt']).toBe(at(30));
  });

  it('unsubscribed and subscribed: the later preference wins whichever arrives first', async () => {
    const id = await seed({ [R]: { status: 'delivered', lastEventType: 'delivered', lastEventAt: at(1), rank: EVENT_RANK.delivered } });
    await progress.advance(id, ev('subscribed', 40));
    expect(await progress.advance(id, ev('unsubscribed', 35))).toBe('stale');
    expect((await recipients(id))[R]?.['status']).toBe('subscribed');
  });

  it('never replaces a send-time outcome (invalid, suppressed, failed)', async () => {
    const id = await seed({
      'x@example.com': { status: 'invalid' },
      'y@example.com': { status: 'suppressed' },
      'z@example.com': { status: 'failed' },
    });
    for (const r of ['x@example.com', 'y@example.com', 'z@example.com'])
      expect(await progress.advance(id, ev('delivered', 1, r))).toBe('stale');
  });

  it('creates the recipient entry, or the whole map, when tracking gets there before the send record does', async () => {
    const noEntry = await seed({});
    const noMap = await seed();
    expect(await progress.advance(noEntry, ev('sent', 1))).toBe('advanced');
    expect(await progress.advance(noMap, ev('delivered', 2))).toBe('advanced');
    expect((await recipients(noEntry))[R]?.['status']).toBe('sent');
    expect((await recipients(noMap))[R]?.['status']).toBe('delivered');
  });

  it("keeps the rest of the entry (a bulk send's per-recipient providerMessageId)", async () => {
    const id = await seed({ [R]: { status: 'sent', providerMessageId: 'bulk-pm-7' } });
    await progress.advance(id, ev('delivered', 3));
    expect((await recipients(id))[R]).toMatchObject({ status: 'delivered', providerMessageId: 'bulk-pm-7' });
  });

  it('writes nothing for a message we do not have, and skips events that cannot move a status', async () => {
    expect(await progress.advance('no-such-message', ev('delivered', 1))).toBe('not_found');
    const id = await seed({ [R]: { status: 'sent' } });
    expect(await progress.advance(id, ev('unknown', 9))).toBe('skipped');
    expect(await progress.advance(id, { eventType: 'delivered', timestamp: at(9) })).toBe('skipped');
    expect((await recipients(id))[R]).toEqual({ status: 'sent' });
  });

  it('concurrent events in any order end at the furthest one', async () => {
    const id = await seed({});
    const types: EventType[] = ['sent', 'deferred', 'delivered', 'opened', 'clicked', 'deferred', 'sent', 'delivered'];
    const shuffled = types.map((t, i) => ev(t, i + 1)).sort(() => Math.random() - 0.5);
    await Promise.all(shuffled.map((e) => progress.advance(id, e)));
    expect((await recipients(id))[R]).toMatchObject({ status: 'clicked', lastEventAt: at(5) });
  });

  it('markSent landing after tracking keeps the tracking state (send pipeline fills only absent entries)', async () => {
    const id = `progress-send-${++seq}`;
    await messages.begin({
      id,
      channel: 'email',
      provider: 'ses',
      recipients: [R, 'other@example.com'],
      now: at(0),
      bodySha256: 'h',
      idDerived: false,
    });
    const claim = await messages.claim(id, { now: at(0), leaseUntil: '2099-01-01T00:00:00.000Z', receiveCount: 1 });
    if (!claim.claimed) throw new Error('claim failed');
    await progress.advance(id, ev('delivered', 4));
    await messages.markSent(id, claim.token, {
      provider: 'ses',
      providerMessageId: 'pm',
      sentAt: at(1),
      recipients: { [R]: { status: 'sent' }, 'other@example.com': { status: 'sent' } },
    });
    const got = await messages.get(id);
    expect(got?.recipients[R]).toMatchObject({ status: 'delivered', lastEventType: 'delivered' });
    expect(got?.recipients['other@example.com']).toEqual({ status: 'sent' });
  });
});
