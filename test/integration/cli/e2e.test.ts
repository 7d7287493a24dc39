/**
 * End to end through the real local pipeline and the CLI: what a newcomer does after
 * `npm start`. Every step goes through SQS, the real handlers, aws-ses-v2-local, the local
 * SES event stand-in, SNS → SQS → the tracking handler, and DynamoDB.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundRecord, MessageRecord, NormalizedEvent } from '../../../src/contract/records.js';
import { deliverLocalInbound } from '../../../src/local/inbound-delivery.js';
import { sesEventsFor } from '../../../src/local/ses-simulator.js';
import { SuppressionStore } from '../../../src/store/suppressions.js';
import { waitFor } from '../local/wait.js';
import { type PipelineHarness, startPipelineHarness } from './harness.js';

let h: PipelineHarness;

beforeAll(async () => {
  h = await startPipelineHarness();
});
afterAll(async () => {
  await h?.stop();
});

async function sendEmail(...args: string[]): Promise<string> {
  const run = await h.cli('send', 'email', '--from', 'Shop <shop@example.com>', '--subject', 'Hello', '--text', 'Hi there', ...args);
  expect(run.code, run.stderr).toBe(0);
  return run.stdout.trim();
}

async function statusOf(id: string): Promise<MessageRecord | undefined> {
  const run = await h.cli('status', id, '--json');
  return run.code === 0 ? run.json<MessageRecord>()[0] : undefined;
}

async function eventsOf(id: string): Promise<NormalizedEvent[]> {
  return (await h.cli('events', '--message-id', id, '--json')).json<NormalizedEvent>();
}

const types = (events: readonly NormalizedEvent[], recipient: string) =>
  events.filter((e) => e.recipient === recipient).map((e) => e.eventType);

describe('local pipeline end to end, driven by the CLI', () => {
  it('send email → status sent → sent and delivered events for success@simulator', async () => {
    // Act
    const id = await sendEmail('--to', 'success@simulator.amazonses.com', '--tag', 'welcome', '--meta', 'user=42');
    const record = await waitFor(
      () => statusOf(id),
      (r) => r?.status === 'sent',
      { what: `message ${id} sent` },
    );
    const events = await waitFor(
      () => eventsOf(id),
      (e) => types(e, 'success@simulator.amazonses.com').includes('delivered'),
      { what: 'delivered event' },
    );

    // Assess
    expect(record).toMatchObject({ id, channel: 'email', provider: 'ses', attempts: 1, tags: ['welcome'], metadata: { user: '42' } });
    expect(record!.providerMessageId).toMatch(/^ses-\d+$/);
    expect(types(events, 'success@simulator.amazonses.com')).toEqual(['sent', 'delivered']);
    expect(events.every((e) => e.messageId === id && e.provider === 'ses' && e.channel === 'email')).toBe(true);
    expect(events[0]).toMatchObject({ tags: ['welcome'], metadata: { user: '42' } });
    const after = await waitFor(
      () => statusOf(id),
      (r) => r?.recipients['success@simulator.amazonses.com']?.status === 'delivered',
      { what: 'recipient delivered' },
    );
    expect(after!.recipients['success@simulator.amazonses.com']).toMatchObject({ status: 'delivered', lastEventType: 'delivered' });
  });

  it('human status output is an aligned summary with a recipient table', async () => {
    // Prepare
    const id = await sendEmail('--to', 'someone@example.org');
    await waitFor(
      () => statusOf(id),
      (r) => r?.status === 'sent',
      { what: 'sent' },
    );

    // Act
    const run = await h.cli('status', id);

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^id +${id}$`, 'm'));
    expect(run.stdout).toMatch(/^status +sent$/m);
    expect(run.stdout).toMatch(/^RECIPIENT +STATUS +LAST EVENT +AT$/m);
    expect(run.stdout).toMatch(/^someone@example\.org +\S+/m);
  });

  it('bounce@simulator → bounced event, suppression, and the next send to it is cancelled', async () => {
    // Prepare
    const address = 'bounce@simulator.amazonses.com';
    const first = await sendEmail('--to', address);

    // Act
    const events = await waitFor(
      () => eventsOf(first),
      (e) => types(e, address).includes('bounced'),
      { what: 'bounced event' },
    );
    const suppressed = await new SuppressionStore(h.pipeline.clients.doc, h.pipeline.state.tables.suppressions).get(address);
    const second = await sendEmail('--to', address);
    const secondRecord = await waitFor(
      () => statusOf(second),
      (r) => r?.status === 'cancelled',
      { what: 'second send cancelled' },
    );

    // Assess
    expect(types(events, address)).toEqual(['sent', 'bounced']);
    expect(events.find((e) => e.eventType === 'bounced')).toMatchObject({ bounceType: 'permanent', rejectReason: 'bounced' });
    expect(suppressed).toMatchObject({ address, reason: 'hardBounce' });
    expect(secondRecord!.recipients[address]).toMatchObject({ status: 'suppressed' });
  });

  it('honours the rest of the mailbox simulator in one message (to, cc and bcc)', async () => {
    // Act
    const id = await sendEmail(
      '--to',
      'ooto@simulator.amazonses.com',
      '--cc',
      'complaint@simulator.amazonses.com',
      '--bcc',
      'suppressionlist@simulator.amazonses.com',
    );
    const events = await waitFor(
      () => eventsOf(id),
      (e) =>
        types(e, 'complaint@simulator.amazonses.com').includes('complained') &&
        types(e, 'suppressionlist@simulator.amazonses.com').includes('bounced'),
      {
        what: 'complaint and suppression-list bounce',
      },
    );

    // Assess
    expect(types(events, 'ooto@simulator.amazonses.com')).toEqual(['sent', 'delivered']);
    expect(types(events, 'complaint@simulator.amazonses.com')).toEqual(['sent', 'delivered', 'complained']);
    expect(types(events, 'suppressionlist@simulator.amazonses.com')).toEqual(['sent', 'bounced']);
    expect(events.find((e) => e.eventType === 'bounced')!.description).toMatch(/OnAccountSuppressionList/);
  });

  it('send sms → outbox entry, sent, then delivered', async () => {
    // Act
    const requested = `otp-${randomUUID()}`;
    const run = await h.cli('send', 'sms', '--to', '+14155550100', '--body', 'Your code is 123456', '--id', requested);
    const id = run.stdout.trim();
    const record = await waitFor(
      () => statusOf(id),
      (r) => r?.recipients['+14155550100']?.status === 'delivered',
      { what: 'sms delivered' },
    );
    const events = await eventsOf(id);

    // Assess
    expect(run.code).toBe(0);
    expect(id).toBe(requested);
    expect(record).toMatchObject({ id, channel: 'sms', status: 'sent', smsSegments: 1, smsEncoding: 'GSM-7' });
    expect((record as MessageRecord & { outbox?: unknown[] }).outbox).toEqual([
      expect.objectContaining({ id, to: '+14155550100', body: 'Your code is 123456', providerMessageId: record!.providerMessageId }),
    ]);
    expect(events.map((e) => [e.eventType, e.recipient, e.provider])).toEqual([['delivered', '+14155550100', 'sns']]);
  });

  it('send --file validates first: an invalid message exits 2 with field reasons and enqueues nothing', async () => {
    // Prepare
    const file = join(h.cwd, 'bad.json');
    writeFileSync(file, JSON.stringify({ channel: 'email', from: 'not an address', to: 'a@example.org' }));
    const depth = async () =>
      Number(
        (
          await h.pipeline.clients.sqs.send(
            new GetQueueAttributesCommand({ QueueUrl: h.pipeline.state.queues.email, AttributeNames: ['ApproximateNumberOfMessages'] }),
          )
        ).Attributes?.ApproximateNumberOfMessages,
      );

    // Act
    const run = await h.cli('send', '--file', 'bad.json');

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/the message is invalid; nothing was sent/);
    expect(run.stderr).toMatch(/from:/);
    expect(await depth()).toBe(0);
  });

  it('send --file enqueues the body as is and prints the id derived from it', async () => {
    // Prepare
    writeFileSync(
      join(h.cwd, 'msg.json'),
      JSON.stringify({ channel: 'email', from: 'shop@example.com', to: 'file@example.org', subject: 'From a file', text: 'x' }),
    );

    // Act
    const run = await h.cli('send', '--file', 'msg.json', '--json');
    const [result] = run.json<{ id: string; idDerived: boolean; channel: string }>();
    const record = await waitFor(
      () => statusOf(result!.id),
      (r) => r?.status === 'sent',
      { what: 'file message sent' },
    );

    // Assess
    expect(result).toMatchObject({ channel: 'email', idDerived: true });
    expect(result!.id).toMatch(/^derived:/);
    expect(record).toMatchObject({ idDerived: true });
  });

  it('status of an unknown id exits 1', async () => {
    const run = await h.cli('status', 'no-such-message');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/no message with id no-such-message/);
  });

  it('events by recipient and by type are served by their indexes, in time order', async () => {
    // Prepare
    const recipient = `index-${randomUUID().slice(0, 8)}@example.org`;
    const since = new Date(Date.now() - 1000).toISOString();
    const id = await sendEmail('--to', recipient);
    await waitFor(
      () => eventsOf(id),
      (e) => types(e, recipient).includes('delivered'),
      { what: 'delivered' },
    );

    // Act
    const byRecipient = (await h.cli('events', '--recipient', recipient, '--json')).json<NormalizedEvent>();
    const byType = (await h.cli('events', '--type', 'delivered', '--since', since, '--json')).json<NormalizedEvent>();

    // Assess
    expect(byRecipient.map((e) => e.eventType)).toEqual(['sent', 'delivered']);
    expect(byType.some((e) => e.recipient === recipient && e.messageId === id)).toBe(true);
    expect(byType.every((e) => e.eventType === 'delivered' && e.timestamp >= since)).toBe(true);
    expect(byType.map((e) => e.timestamp)).toEqual([...byType.map((e) => e.timestamp)].sort());
  });

  it('inbound receive then inbound show: parsed record with attachments stored in S3', async () => {
    // Prepare
    const eml = [
      'From: Ann Example <ann@example.org>',
      'To: support@example.com',
      'Subject: Order 42',
      'Message-ID: <order-42@example.org>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Where is my order?',
      '--b1',
      'Content-Type: application/pdf; name="receipt.pdf"',
      'Content-Disposition: attachment; filename="receipt.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('%PDF-1.4 receipt').toString('base64'),
      '--b1--',
      '',
    ].join('\r\n');
    writeFileSync(join(h.cwd, 'order.eml'), eml);

    // Act
    const received = await h.cli('inbound', 'receive', 'order.eml', '--to', 'support@example.com');
    const id = received.stdout.trim();
    const shown = await h.cli('inbound', 'show', id, '--json');
    const [record] = shown.json<InboundRecord>();
    const listed = await waitFor(
      async () => (await h.cli('inbound', 'list', '--recipient', 'support@example.com', '--json')).json<{ id: string }>(),
      (l) => l.some((i) => i.id === id),
      {
        what: 'inbound listed',
      },
    );

    // Assess
    expect(received.code, received.stderr).toBe(0);
    expect(record).toMatchObject({
      id,
      envelopeSender: 'ann@example.org',
      envelopeRecipients: ['support@example.com'],
      from: { name: 'Ann Example', address: 'ann@example.org' },
      subject: 'Order 42',
      messageIdHeader: '<order-42@example.org>',
      verdicts: { spam: 'PASS', virus: 'PASS', spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' },
      raw: { bucket: h.pipeline.state.buckets.inbound, key: `raw/${id}` },
      attachments: [expect.objectContaining({ filename: 'receipt.pdf', contentType: 'application/pdf', size: 16 })],
    });
    expect(record!.text).toMatch(/Where is my order\?/);
    const attachment = record!.attachments[0]!;
    await expect(
      h.pipeline.clients.s3.send(new HeadObjectCommand({ Bucket: attachment.s3.bucket, Key: attachment.s3.key })),
    ).resolves.toMatchObject({ ContentLength: 16 });
    expect(listed[0]!.id).toBe(id);
  });

  it('inbound receive --verdict virus=FAIL keeps the record and quarantines the attachments', async () => {
    // Prepare
    const eml = [
      'From: x@example.org',
      'To: support@example.com',
      'Subject: infected',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="q"',
      '',
      '--q',
      'Content-Type: text/plain',
      '',
      'see attached',
      '--q',
      'Content-Type: application/octet-stream',
      'Content-Disposition: attachment; filename="run.exe"',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('MZ fake').toString('base64'),
      '--q--',
      '',
    ].join('\r\n');
    writeFileSync(join(h.cwd, 'virus.eml'), eml);

    // Act
    const run = await h.cli('inbound', 'receive', 'virus.eml', '--to', 'support@example.com', '--verdict', 'virus=FAIL', '--json');
    const [record] = run.json<InboundRecord>();

    // Assess
    expect(run.code, run.stderr).toBe(0);
    expect(record).toMatchObject({ verdicts: { virus: 'FAIL', spam: 'PASS' }, spamDetected: true });
    expect(record!.attachments).toEqual([expect.objectContaining({ filename: 'run.exe', quarantined: true })]);
    expect(record!.attachments[0]!.s3.key).toMatch(/^quarantine\//);
  });

  it('replay: first run stores every body, the second finds them all duplicates', async () => {
    // Prepare: SES events about mail we did not send, and an SES receipt notification.
    const topicArn = h.pipeline.state.topics!.sesEvents;
    const envelope = (message: unknown) => ({
      Type: 'Notification',
      MessageId: randomUUID(),
      TopicArn: topicArn,
      Message: JSON.stringify(message),
      Timestamp: new Date().toISOString(),
      SignatureVersion: '1',
      Signature: 'EXAMPLE',
      SigningCertURL: 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem',
      UnsubscribeURL: `https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${topicArn}:1`,
    });
    const ses = sesEventsFor({
      messageId: `0100018f-${randomUUID()}-000000`,
      sentAt: new Date('2030-01-01T00:00:00.000Z'),
      source: 'other@example.com',
      destination: ['success@simulator.amazonses.com', 'bounce@simulator.amazonses.com'],
      tags: {},
      region: 'us-east-1',
    });
    const receipt = await deliverLocalInbound({
      s3: h.pipeline.clients.s3,
      bucket: h.pipeline.state.buckets.inbound,
      objectKeyPrefix: 'raw/',
      raw: Buffer.from('From: a@example.org\r\nTo: replay@example.com\r\nSubject: replayed\r\n\r\nhello\r\n'),
      recipients: ['replay@example.com'],
    });
    writeFileSync(join(h.cwd, 'bodies.json'), JSON.stringify([...ses.map(envelope), envelope(receipt)]));

    // Act
    const first = await h.cli('replay', 'bodies.json', '--skip-signature-check', '--json');
    const second = await h.cli('replay', 'bodies.json', '--skip-signature-check', '--json');

    // Assess
    expect(first.code, first.stderr).toBe(0);
    expect(first.json<{ outcome: string; pipeline: string }>().map((r) => [r.outcome, r.pipeline])).toEqual([
      ['stored', 'tracking'],
      ['stored', 'tracking'],
      ['stored', 'tracking'],
      ['stored', 'inbound'],
    ]);
    expect(second.code).toBe(0);
    expect(second.json<{ outcome: string }>().map((r) => r.outcome)).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate']);
  });

  it('replay without --skip-signature-check refuses a body from a topic that is not ours (exit 2)', async () => {
    // Prepare
    writeFileSync(
      join(h.cwd, 'foreign.json'),
      JSON.stringify([
        {
          Type: 'Notification',
          MessageId: randomUUID(),
          TopicArn: 'arn:aws:sns:us-east-1:123456789012:someone-elses-topic',
          Message: '{"eventType":"Send","mail":{"messageId":"x","destination":["a@example.org"]},"send":{}}',
          Timestamp: new Date().toISOString(),
          SignatureVersion: '1',
          Signature: 'EXAMPLE',
          SigningCertURL: 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem',
          UnsubscribeURL: 'https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe',
        },
      ]),
    );

    // Act
    const run = await h.cli('replay', 'foreign.json', '--json');

    // Assess
    expect(run.code).toBe(2);
    expect(run.json<{ outcome: string; reason: string }>()[0]).toMatchObject({
      outcome: 'refused',
      reason: expect.stringMatching(/^topic_not_allowed/),
    });
  });
});

describe('bin/mailroom.js', () => {
  it('runs the TypeScript CLI through tsx from a plain node process', async () => {
    // Act
    const { stdout } = await promisify(execFile)(process.execPath, [join(import.meta.dirname, '../../../bin/mailroom.js'), '--help'], {
      timeout: 30_000,
    });

    // Assess
    expect(stdout).toMatch(/Usage: mailroom/);
    expect(stdout).toMatch(/replay/);
  });
});
