/**
 * Characters beyond U+FFFF (emoji) through the local queue, as real SQS takes them
 * (#x10000-#x10FFFF are allowed: API_SendMessage). fauxqs 1.9.2 refused them until
 * scripts/patch-fauxqs.ts (run at install) backported the upstream fix.
 */
import { randomUUID } from 'node:crypto';
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageRecord } from '../../../src/contract/records.js';
import { type PipelineHarness, startPipelineHarness } from '../cli/harness.js';
import { waitFor } from './wait.js';

let h: PipelineHarness;

beforeAll(async () => {
  h = await startPipelineHarness();
});
afterAll(async () => {
  await h?.stop();
});

describe('astral characters through the local queue', () => {
  it('npx mailroom send sms --body "hi 😀" is sent and reaches the outbox unchanged', async () => {
    // Act
    const run = await h.cli('send', 'sms', '--to', '+14155550100', '--body', 'hi 😀');
    const id = run.stdout.trim();
    expect(run.code, run.stderr).toBe(0);
    const record = await waitFor(
      async () => {
        const status = await h.cli('status', id, '--json');
        return status.code === 0 ? status.json<MessageRecord & { outbox?: Array<{ body: string }> }>()[0] : undefined;
      },
      (r) => r?.status === 'sent',
      { what: `sms ${id} sent` },
    );

    // Assess
    expect(record).toMatchObject({ id, channel: 'sms', status: 'sent', smsEncoding: 'UCS-2' });
    expect(record!.outbox?.map((o) => o.body)).toEqual(['hi 😀']);
  });

  it('the queue keeps supplementary-plane characters byte for byte and still refuses a lone surrogate', async () => {
    // Prepare: a queue no poller reads.
    const { sqs } = h.pipeline.clients;
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `astral-${randomUUID().slice(0, 8)}` }));
    const body = 'emoji 😀 clef 𝄞 last \u{10FFFF}';

    // Act
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body }));
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
    const lone = sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'lone \uD83D surrogate' }));

    // Assess (the SDK checks MD5OfMessageBody on both calls)
    expect(received.Messages?.map((m) => m.Body)).toEqual([body]);
    await expect(lone).rejects.toMatchObject({ name: expect.stringMatching(/InvalidMessageContents$/) });
  });
});
