import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { deliveryLogEntry, logsEventFor, SmsReceiptWatcher, snsLogTimestamp } from '../../../src/local/sms-receipts.js';
import type { SmsOutboxRecord } from '../../../src/providers/sms/outbox.js';
import { decodeLogsEvent } from '../../../src/tracking/cloudwatch-logs.js';
import { normalizeSnsSmsEvent } from '../../../src/tracking/normalizers/index.js';

const record: SmsOutboxRecord = {
  id: 'otp-1',
  providerMessageId: '5c6a3f0e-1111-4222-8333-444455556666',
  to: '+14155550100',
  body: 'Your code is 123456',
  smsType: 'transactional',
  segments: 1,
  encoding: 'GSM-7',
  sentAt: '2030-01-01T00:00:00.000Z',
};

describe('local SMS receipts', () => {
  it('formats timestamps as SNS SMS delivery logs do (UTC, space, no zone)', () => {
    expect(snsLogTimestamp(new Date('2016-06-28T00:40:34.558Z'))).toBe('2016-06-28 00:40:34.558');
  });

  it('builds a SUCCESS log entry the SNS SMS normalizer reads as delivered', () => {
    // Act
    const events = normalizeSnsSmsEvent(deliveryLogEntry(record, new Date('2030-01-01T00:00:01.000Z')), {
      receivedAt: '2030-01-01T00:00:02.000Z',
      provider: 'sns',
    });

    // Assess
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      eventType: 'delivered',
      channel: 'sms',
      recipient: '+14155550100',
      providerMessageId: record.providerMessageId,
      // Sent at 00:00:00, acknowledged at 00:00:01: the event is when it was delivered.
      timestamp: '2030-01-01T00:00:01.000Z',
    });
  });

  it('wraps entries exactly as a CloudWatch Logs subscription filter delivers them', () => {
    // Act
    const data = decodeLogsEvent(
      logsEventFor(
        [record, { ...record, providerMessageId: 'other', to: '+442071838750' }],
        'eu-west-1',
        new Date('2030-01-01T00:00:03.000Z'),
      ),
    );

    // Assess
    expect(data).toMatchObject({ messageType: 'DATA_MESSAGE', logGroup: 'sns/eu-west-1/000000000000/DirectPublishToPhoneNumber' });
    expect(data.logEvents.map((e) => JSON.parse(e.message).delivery.destination)).toEqual(['+14155550100', '+442071838750']);
  });
});

describe('SmsReceiptWatcher.tick (tailing the outbox)', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  function watcher(deliver: (event: { awslogs: { data: string } }) => Promise<void>) {
    const dir = mkdtempSync(join(tmpdir(), 'mailroom-outbox-'));
    dirs.push(dir);
    const outboxPath = join(dir, 'sms-outbox.jsonl');
    const delivered: string[] = [];
    const w = new SmsReceiptWatcher({ outboxPath, region: 'us-east-1', deliver, onDelivered: (r) => delivered.push(r.providerMessageId) });
    return { w, outboxPath, delivered };
  }
  const line = (providerMessageId: string) => `${JSON.stringify({ ...record, providerMessageId })}\n`;
  const destinations = (event: { awslogs: { data: string } }) =>
    decodeLogsEvent(event).logEvents.map((e) => JSON.parse(e.message).notification.messageId);

  it('delivers each line once, and holds a line still being written until its newline arrives', async () => {
    // Prepare
    const batches: string[][] = [];
    const { w, outboxPath } = watcher(async (event) => void batches.push(destinations(event)));
    const second = line('m2');
    writeFileSync(outboxPath, line('m1') + second.slice(0, 10));

    // Act
    await w.tick();
    await w.tick();
    appendFileSync(outboxPath, second.slice(10));
    await w.tick();

    // Assess
    expect(batches).toEqual([['m1'], ['m2']]);
  });

  it('keeps receipts whose delivery failed and delivers them on the next tick (at least once)', async () => {
    // Prepare
    let fail = true;
    const batches: string[][] = [];
    const { w, outboxPath, delivered } = watcher(async (event) => {
      if (fail) throw new Error('handler failed');
      batches.push(destinations(event));
    });
    writeFileSync(outboxPath, line('m1'));

    // Act
    const first = await w.tick().catch((e: unknown) => e);
    fail = false;
    appendFileSync(outboxPath, line('m2'));
    await w.tick();

    // Assess
    expect((first as Error).message).toBe('handler failed');
    expect(batches).toEqual([['m1', 'm2']]);
    expect(delivered).toEqual(['m1', 'm2']);
  });

  it('starts over when the outbox is replaced by a shorter file', async () => {
    // Prepare
    const batches: string[][] = [];
    const { w, outboxPath } = watcher(async (event) => void batches.push(destinations(event)));
    writeFileSync(outboxPath, line('m1') + line('m2'));
    await w.tick();

    // Act
    writeFileSync(outboxPath, line('m3'));
    await w.tick();

    // Assess
    expect(batches).toEqual([['m1', 'm2'], ['m3']]);
  });
});
