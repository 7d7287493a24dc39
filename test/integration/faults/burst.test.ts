/**
 * Fault injection (issue 7): a burst of emails through the real local pipeline (SQS poller →
 * send handler → local SES adapter) while the test pauses its own aws-ses-v2-local and
 * DynamoDB Local (SIGSTOP, then SIGCONT) and a TCP proxy resets connections to SES in the
 * middle of a send request. Invariant: every message ends `sent`, and SES received each one
 * exactly once (counted in SES's own store, by our id, which is the subject).
 *
 * These two servers are this file's own child processes (startServers), so pausing them
 * stalls no other test; the queues and S3 are the shared servers of the global setup.
 */

import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type LocalPipeline, startLocalPipeline } from '../../../src/local/pipeline.js';
import { type StartedServers, startServers } from '../../../src/local/servers.js';
import { fetchStoredEmails } from '../../../src/local/ses-events.js';
import { MessageStore } from '../../../src/store/messages.js';
import { FaultProxy } from '../../support/fault-proxy.js';
import { waitFor } from '../local/wait.js';

const BURST = 24;
const SEND_REQUEST = /^POST \/v2\/email\/outbound-emails/;

let servers: StartedServers<'dynamodb' | 'sesv2'> | undefined;
let proxy: FaultProxy | undefined;
let pipeline: LocalPipeline | undefined;
let stateDir: string;

beforeAll(async () => {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  stateDir = mkdtempSync(join(tmpdir(), 'mailroom-faults-'));
  servers = await startServers(['dynamodb', 'sesv2']);
  proxy = await FaultProxy.start(servers.endpoints.sesv2);
  pipeline = await startLocalPipeline({
    endpoints: { ...inject('endpoints'), dynamodb: servers.endpoints.dynamodb, sesv2: proxy.url },
    prefix: `f${randomUUID().slice(0, 8)}`,
    stateDir,
    writeState: false,
    waitTimeSeconds: 1,
    watchIntervalMs: 200,
    backoff: { baseSeconds: 1, maxSeconds: 2 },
  });
});

afterAll(async () => {
  try {
    await pipeline?.stop();
    await proxy?.stop();
  } finally {
    await servers?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
});

/** Pauses a child process for `ms`; it is resumed whatever happens meanwhile. */
async function paused(pid: number, ms: number): Promise<void> {
  process.kill(pid, 'SIGSTOP');
  try {
    await new Promise((r) => setTimeout(r, ms));
  } finally {
    process.kill(pid, 'SIGCONT');
  }
}

/** `ps` state of a process: T when stopped. */
const processState = (pid: number) => execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).trim();

describe('fault injection during a burst', () => {
  it('every message ends sent exactly once while SES and DynamoDB pause and SES connections drop mid-request', async () => {
    // Prepare
    const { sqs, doc } = pipeline!.clients;
    const messages = new MessageStore(doc, pipeline!.resources.tables.messages);
    const run = randomUUID().slice(0, 8);
    const ids = Array.from({ length: BURST }, (_, i) => `burst-${run}-${i}`);
    proxy!.resetRequests({ count: 3, match: SEND_REQUEST });

    // Act: enqueue the burst, and meanwhile pause SES, then DynamoDB.
    const enqueue = (async () => {
      for (let i = 0; i < ids.length; i += 10) {
        await sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: pipeline!.resources.queues.email.url,
            Entries: ids.slice(i, i + 10).map((id, j) => ({
              Id: String(j),
              MessageBody: JSON.stringify({
                channel: 'email',
                id,
                from: 'shop@example.com',
                to: 'success@simulator.amazonses.com',
                subject: id,
                text: 'burst',
              }),
            })),
          }),
        );
      }
    })();
    const faults = (async () => {
      await new Promise((r) => setTimeout(r, 300));
      await paused(servers!.pids.sesv2, 1500);
      await paused(servers!.pids.dynamodb, 1500);
    })();
    await Promise.all([enqueue, faults]);
    const records = await waitFor(
      () => Promise.all(ids.map((id) => messages.get(id))),
      (all) => all.every((r) => r?.status === 'sent'),
      { timeoutMs: 40_000, intervalMs: 250, what: 'every burst message sent' },
    );
    const received = (await fetchStoredEmails(servers!.endpoints.sesv2)).filter((e) => e.subject?.startsWith(`burst-${run}-`));

    // Assess
    expect(records.map((r) => r?.status)).toEqual(ids.map(() => 'sent'));
    const perId = new Map<string, number>();
    for (const email of received) perId.set(email.subject!, (perId.get(email.subject!) ?? 0) + 1);
    expect(Object.fromEntries(perId)).toEqual(Object.fromEntries(ids.map((id) => [id, 1])));
    expect(proxy!.stats.resets).toBe(3);
    expect(proxy!.pendingResets).toBe(0);
    expect(processState(servers!.pids.sesv2)).not.toMatch(/T/);
    expect(processState(servers!.pids.dynamodb)).not.toMatch(/T/);
  });
});
