/**
 * The operator's commands against the real local pipeline: a message by its provider id,
 * messages by recipient, the suppression list by address, and cancelling a message before it
 * is sent. Every send goes through SQS, the real send handler and the local SES.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageRecord } from '../../../src/contract/records.js';
import type { SuppressionEntry } from '../../../src/store/suppressions.js';
import { waitFor } from '../local/wait.js';
import { type PipelineHarness, startPipelineHarness } from './harness.js';

let h: PipelineHarness;

beforeAll(async () => {
  h = await startPipelineHarness();
});
afterAll(async () => {
  await h?.stop();
});

const unique = (label: string) => `${label}-${randomUUID().slice(0, 8)}`;

async function sendEmail(...args: string[]): Promise<string> {
  const run = await h.cli('send', 'email', '--from', 'Shop <shop@example.com>', '--text', 'Hi there', ...args);
  expect(run.code, run.stderr).toBe(0);
  return run.stdout.trim();
}

async function statusOf(id: string): Promise<MessageRecord | undefined> {
  const run = await h.cli('status', id, '--json');
  return run.code === 0 ? run.json<MessageRecord>()[0] : undefined;
}

const sentRecord = (id: string) =>
  waitFor(
    () => statusOf(id),
    (r) => r?.status === 'sent',
    { what: `message ${id} sent` },
  );

/** Subjects of the mail the local SES received: what a provider call leaves behind. */
async function subjectsSesReceived(): Promise<string[]> {
  const store = (await (await fetch(`${h.pipeline.state.endpoints.sesv2}/store`)).json()) as { emails: { subject?: string }[] };
  return store.emails.map((e) => e.subject ?? '');
}

async function queueDepth(url: string): Promise<number> {
  const out = await h.pipeline.clients.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return Number(out.Attributes?.ApproximateNumberOfMessages) + Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible);
}

describe('status --provider-message-id', () => {
  it("finds the message by the provider's id, as status by id does", async () => {
    // Prepare
    const id = await sendEmail('--to', 'pmid@example.org', '--subject', 'by provider id');
    const byId = await sentRecord(id);

    // Act
    const json = await waitFor(
      () => h.cli('status', '--provider-message-id', byId!.providerMessageId!, '--json'),
      (r) => r.code === 0,
      { what: 'index caught up' },
    );
    const human = await h.cli('status', '--provider-message-id', byId!.providerMessageId!);

    // Assess
    // Tracking may move the recipient on (sent → delivered) between the two reads: compare the message, not the moment.
    const [found] = json.json<MessageRecord>();
    expect(found).toMatchObject({
      id,
      channel: 'email',
      status: 'sent',
      provider: 'ses',
      providerMessageId: byId!.providerMessageId,
      createdAt: byId!.createdAt,
    });
    expect(Object.keys(found!.recipients)).toEqual(['pmid@example.org']);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(new RegExp(`^id +${id}$`, 'm'));
    expect(human.stdout).toMatch(new RegExp(`^provider +ses ${byId!.providerMessageId}$`, 'm'));
  });

  it('exits 1 for a provider id no message has', async () => {
    const run = await h.cli('status', '--provider-message-id', 'ses-no-such-id');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/no message with provider message id ses-no-such-id/);
  });
});

describe('messages --recipient', () => {
  it('lists what was sent to a recipient, newest first, under any spelling of the address, in pages', async () => {
    // Prepare: three messages reach the recipient (To, Cc, To in upper case), one goes elsewhere
    const recipient = `${unique('list')}@example.org`;
    const ids = [
      await sendEmail('--to', recipient, '--subject', 'one'),
      await sendEmail('--to', 'someone-else@example.org', '--cc', recipient, '--subject', 'two'),
      await sendEmail('--to', `Ann <${recipient.toUpperCase()}>`, '--subject', 'three'),
    ];
    const other = await sendEmail('--to', 'someone-else@example.org', '--subject', 'not to them');
    for (const id of [...ids, other]) await sentRecord(id);

    // Act
    const all = await h.cli('messages', '--recipient', recipient.toUpperCase(), '--json');
    const firstPage = await h.cli('messages', '--recipient', recipient, '--limit', '2');
    const cursor = /--cursor (\S+)/.exec(firstPage.stderr)?.[1];
    const secondPage = await h.cli('messages', '--recipient', recipient, '--limit', '2', '--cursor', cursor ?? '', '--json');

    // Assess
    expect(all.code, all.stderr).toBe(0);
    const listed = all.json<MessageRecord>();
    expect(listed.map((m) => m.id).sort()).toEqual([...ids].sort());
    expect(listed.map((m) => m.createdAt)).toEqual(
      listed
        .map((m) => m.createdAt)
        .sort()
        .reverse(),
    );
    expect(listed.every((m) => m.channel === 'email' && m.status === 'sent' && m.recipients[recipient]?.status !== undefined)).toBe(true);
    expect(firstPage.stdout).toMatch(/^CREATED +ID +CHANNEL +STATUS +RECIPIENT STATUS$/m);
    expect(
      firstPage.stdout
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(/ +/)[1]),
    ).toEqual(listed.slice(0, 2).map((m) => m.id));
    expect(cursor).toBeDefined();
    expect(secondPage.json<MessageRecord>().map((m) => m.id)).toEqual([listed[2]!.id]);
  });

  it('finds an SMS by its number, and says so on stderr when there is nothing (exit 0)', async () => {
    // Prepare
    const number = '+14155550123';
    const send = await h.cli('send', 'sms', '--to', number, '--body', 'code 42', '--id', unique('sms'));
    const id = send.stdout.trim();
    await sentRecord(id);

    // Act
    const listed = await h.cli('messages', '--recipient', number, '--json');
    const none = await h.cli('messages', '--recipient', `${unique('nobody')}@example.org`);

    // Assess
    expect(listed.json<MessageRecord>().map((m) => [m.id, m.channel, m.status])).toContainEqual([id, 'sms', 'sent']);
    expect(none.code).toBe(0);
    expect(none.stdout).toBe('');
    expect(none.stderr).toMatch(/^no messages to nobody-.*@example\.org$/m);
  });
});

describe('suppressions get | add | remove', () => {
  it('adds under the key the send path reads (so the next send is cancelled), shows it, and lifts it', async () => {
    // Prepare
    const address = `${unique('ops')}@example.org`;

    // Act
    const added = await h.cli('suppressions', 'add', address.toUpperCase(), '--json');
    const got = await h.cli('suppressions', 'get', address, '--json');
    const human = await h.cli('suppressions', 'get', `Someone <${address}>`);
    const blocked = await sendEmail('--to', address, '--subject', 'while suppressed');
    const blockedRecord = await waitFor(
      () => statusOf(blocked),
      (r) => r?.status === 'cancelled',
      { what: 'send to a suppressed address cancelled' },
    );
    const removed = await h.cli('suppressions', 'remove', address);
    const gone = await h.cli('suppressions', 'get', address);
    const removedAgain = await h.cli('suppressions', 'remove', address);
    const allowed = await sendEmail('--to', address, '--subject', 'after lifting');

    // Assess
    expect(added.code, added.stderr).toBe(0);
    const [entry] = got.json<SuppressionEntry>();
    expect(added.json<SuppressionEntry>()).toEqual([entry]);
    expect(entry).toMatchObject({ address, reason: 'manual', reasons: ['manual'], count: 1 });
    expect(human.stdout).toMatch(new RegExp(`^address +${address}$`, 'm'));
    expect(human.stdout).toMatch(/^reason +manual$/m);
    expect(blockedRecord!.error).toMatchObject({ code: 'all_recipients_suppressed' });
    expect(blockedRecord!.recipients[address]).toMatchObject({ status: 'suppressed' });
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stderr).toMatch(/no longer suppressed/);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/is not suppressed/);
    expect(removedAgain.code).toBe(1);
    expect((await sentRecord(allowed))!.status).toBe('sent');
  });

  it('records the reason given, and suppresses a phone number in its E.164 form', async () => {
    // Act
    const run = await h.cli('suppressions', 'add', '+14155550199', '--reason', 'unsubscribe', '--json');
    const got = await h.cli('suppressions', 'get', '+14155550199', '--json');

    // Assess
    expect(run.code, run.stderr).toBe(0);
    expect(got.json<SuppressionEntry>()[0]).toMatchObject({ address: '+14155550199', reason: 'unsubscribe', count: 1 });
  });
});

describe('cancel', () => {
  it('cancels a scheduled message waiting on the queue; when its copy comes back it is acknowledged without sending', async () => {
    // Prepare: due in 8 s, so the send handler records it (pending) and puts it back to wait
    const id = unique('scheduled');
    const subject = `scheduled ${id}`;
    const sendAt = new Date(Date.now() + 8_000).toISOString();
    writeFileSync(
      join(h.cwd, `${id}.json`),
      JSON.stringify({ channel: 'email', id, from: 'shop@example.com', to: 'later@example.org', subject, text: 'x', sendAt }),
    );
    expect((await h.cli('send', '--file', `${id}.json`)).code).toBe(0);
    await waitFor(
      () => statusOf(id),
      (r) => r?.status === 'pending',
      { what: 'scheduled message recorded' },
    );
    const acknowledged = h.pipeline.counters['email.duplicate'] ?? 0;

    // Act
    const run = await h.cli('cancel', id, '--json');
    await waitFor(
      () => h.pipeline.counters['email.duplicate'] ?? 0,
      (n) => n > acknowledged,
      { what: 'the queued copy came back and was acknowledged' },
    );
    const queued = await waitFor(
      () => queueDepth(h.pipeline.state.queues.email),
      (n) => n === 0,
      { what: 'the email queue drained' },
    );
    const deadLettered = await queueDepth(h.pipeline.resources.queues.email.dlqUrl);

    // Assess
    expect(run.code, run.stderr).toBe(0);
    expect(run.json()).toEqual([{ id, outcome: 'cancelled', status: 'cancelled' }]);
    expect(await statusOf(id)).toMatchObject({
      status: 'cancelled',
      attempts: 0,
      error: { code: 'cancelled', message: 'cancelled by operator', retryable: false },
    });
    expect(queued).toBe(0);
    expect(deadLettered).toBe(0);
    expect(await subjectsSesReceived()).not.toContain(subject);
    expect((await h.cli('events', '--message-id', id, '--json')).stdout).toBe('');
    expect(
      (await h.cli('messages', '--recipient', 'later@example.org', '--json')).json<MessageRecord>().find((m) => m.id === id)?.status,
    ).toBe('cancelled');
  });

  it('cancels an id before any delivery; the message sent later under it is acknowledged without sending', async () => {
    // Prepare
    const id = unique('early');
    const subject = `early ${id}`;
    const recipient = `${unique('early')}@example.org`;

    // Act
    const cancelled = await h.cli('cancel', id);
    const sent = await h.cli(
      'send',
      'email',
      '--from',
      'shop@example.com',
      '--to',
      recipient,
      '--subject',
      subject,
      '--text',
      'x',
      '--id',
      id,
    );
    const record = await waitFor(
      () => statusOf(id),
      (r) => r?.channel === 'email',
      { what: 'the delivery recorded on the placeholder' },
    );
    const listed = await h.cli('messages', '--recipient', recipient, '--json');

    // Assess
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(cancelled.stdout).toBe(`${id} cancelled\n`);
    expect(cancelled.stderr).toMatch(/no message with this id has reached local yet/);
    expect(sent.code).toBe(0);
    expect(sent.stdout).toBe(`${id}\n`);
    expect(record).toMatchObject({ id, status: 'cancelled', channel: 'email', provider: 'ses', attempts: 0, error: { code: 'cancelled' } });
    expect(listed.json<MessageRecord>().map((m) => [m.id, m.status])).toEqual([[id, 'cancelled']]);
    expect(await subjectsSesReceived()).not.toContain(subject);
  });

  it('refuses a message that was sent (exit 1, outcome too_late) and is idempotent on a cancelled one', async () => {
    // Prepare
    const sent = await sendEmail('--to', 'done@example.org', '--subject', 'already out');
    await sentRecord(sent);
    const cancelled = unique('twice');
    await h.cli('cancel', cancelled);

    // Act
    const late = await h.cli('cancel', sent, '--json');
    const lateHuman = await h.cli('cancel', sent);
    const again = await h.cli('cancel', cancelled);

    // Assess
    expect(late.code).toBe(1);
    expect(late.json()).toEqual([{ id: sent, outcome: 'too_late', status: 'sent' }]);
    expect(lateHuman.stderr).toMatch(/too late to cancel .*: it was sent/);
    expect((await statusOf(sent))!.status).toBe('sent');
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(`${cancelled} was already cancelled\n`);
  });
});
