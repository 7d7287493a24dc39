/**
 * The whole Mailroom pipeline on local servers, in this process: what `npm start` runs
 * (src/local/main.ts) and what the end-to-end tests and benchmark start against the servers
 * the test setup already runs. Given the servers' endpoints it
 *
 * 1. provisions tables, queues (+ DLQs) and buckets under `prefix` (src/local/provision.ts);
 * 2. creates the "SES events" SNS topic and subscribes a tracking queue to it (fauxqs only
 *    delivers SNS to SQS);
 * 3. builds the real handlers with local clients: the send handler per channel (email
 *    through the `local` SES adapter against aws-ses-v2-local, SMS into the outbox file),
 *    the tracking handler and the SMS delivery-status handler;
 * 4. runs a Lambda-like poller per queue (src/local/poller.ts), the SES event watcher
 *    (src/local/ses-events.ts) and the SMS receipt watcher (src/local/sms-receipts.ts);
 * 5. writes `<stateDir>/local.json` (docs/contract.md §6) once everything runs.
 *
 * Each part has its own file: ./pipeline-resources.ts, ./pipeline-send.ts,
 * ./pipeline-tracking.ts (with why SNS signatures are not checked locally),
 * ./pipeline-runners.ts, ./pipeline-state.ts.
 */
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { resolveConfig } from '../config/resolve.js';
import type { MailroomConfig } from '../config/schema.js';
import { maskText } from '../logging/mask.js';
import { MessageStore } from '../store/messages.js';
import { LOCAL_REGION, type LocalClients, localClients } from './clients.js';
import { type LineSink, localLogger } from './log.js';
import { type PipelineResources, provisionPipeline } from './pipeline-resources.js';
import { startRunners } from './pipeline-runners.js';
import { localSendHandler } from './pipeline-send.js';
import { localState } from './pipeline-state.js';
import { localTrackingHandlers } from './pipeline-tracking.js';
import { localSendSettings } from './send-settings.js';
import type { LocalEndpoints } from './servers.js';
import { type LocalState, removeLocalState, writeLocalState } from './state.js';

export { joinedMessage } from './joined-message.js';
export { LOCAL_CONFIGURATION_SET } from './pipeline-send.js';

export const INBOUND_OBJECT_PREFIX = 'raw/';

export interface LocalPipelineOptions {
  readonly endpoints: LocalEndpoints;
  /** Prefix of every table, queue, bucket and topic (`mailroom` for npm start). */
  readonly prefix: string;
  /** Where local.json and the SMS outbox go (`.mailroom` for npm start). */
  readonly stateDir: string;
  readonly region?: string;
  /** Write `<stateDir>/local.json` (and remove it on stop). @default true */
  readonly writeState?: boolean;
  /** The deployment configuration (`mailroom` of cdk.json, or `npm start -- --config FILE`). @default resolveConfig({}) */
  readonly config?: MailroomConfig;
  /** @default config send.maxReceiveCount */
  readonly maxReceiveCount?: number;
  /** Queue visibility timeout, seconds. @default 30 */
  readonly visibilityTimeout?: number;
  /** Send retry backoff. @default config send.backoffBaseSeconds / backoffMaxSeconds */
  readonly backoff?: { readonly baseSeconds: number; readonly maxSeconds: number };
  /** Sends per second per provider (MAILROOM_MAX_SEND_RATE). @default the channel's share, as deployed */
  readonly maxSendRate?: number;
  /** Invocations at once per queue. @default 2 */
  readonly maxConcurrency?: number;
  /** Long-poll wait of the pollers, seconds. @default 20 (as Lambda) */
  readonly waitTimeSeconds?: number;
  /** How often the SES store and the SMS outbox are checked, ms. @default 250 */
  readonly watchIntervalMs?: number;
  /** How long SES events wait for the send handler to record the SES message id before going out unjoined, ms. @default 10000 */
  readonly sesJoinGraceMs?: number;
  /** Where log lines go. @default nowhere */
  readonly log?: LineSink;
  /** Info-level handler logs too. @default false */
  readonly verbose?: boolean;
}

export interface LocalPipeline {
  readonly state: LocalState;
  readonly resources: PipelineResources;
  readonly clients: LocalClients;
  /** Counts of what the send handlers did (sent, errored, …) and what the pollers saw. */
  readonly counters: Readonly<Record<string, number>>;
  stop(): Promise<void>;
}

export async function startLocalPipeline(opts: LocalPipelineOptions): Promise<LocalPipeline> {
  const region = opts.region ?? LOCAL_REGION;
  // Every line masked (addresses, numbers), as the Lambdas' logs are: src/logging/mask.ts.
  const sink: LineSink = opts.log ? (line) => opts.log!(maskText(line)) : () => undefined;
  const verbose = opts.verbose ?? false;
  const config = opts.config ?? resolveConfig({});
  const maxReceiveCount = opts.maxReceiveCount ?? config.send.maxReceiveCount;
  const stateDir = resolve(opts.stateDir);
  const outboxPath = join(stateDir, 'sms-outbox.jsonl');
  const clients = localClients(opts.endpoints, region);
  const counters: Record<string, number> = {};
  const count = (name: string, value = 1) => {
    counters[name] = (counters[name] ?? 0) + value;
  };

  // Everything local lives for one run (DynamoDB Local is in memory, s3rver in a temp
  // folder), so the outbox does too: receipts for last run's SMS would match no message.
  rmSync(outboxPath, { force: true });

  // 1-2. Resources.
  const resources = await provisionPipeline(clients, opts.prefix, { maxReceiveCount, visibilityTimeout: opts.visibilityTimeout ?? 30 });

  // 3. Handlers, wired like the Lambdas but with local clients.
  const messages = new MessageStore(clients.doc, resources.tables.messages);
  const send = {
    clients,
    resources,
    messages,
    outboxPath,
    maxReceiveCount,
    ...(opts.backoff ? { backoff: opts.backoff } : {}),
    ...(opts.maxSendRate ? { maxSendRate: opts.maxSendRate } : {}),
    count,
  };
  const settings = (channel: 'email' | 'sms') => localSendSettings(config, channel, resources.tables);
  const handlers = {
    email: localSendHandler('email', { ...send, settings: settings('email'), logger: localLogger('send-email', sink, verbose) }),
    sms: localSendHandler('sms', { ...send, settings: settings('sms'), logger: localLogger('send-sms', sink, verbose) }),
    ...localTrackingHandlers({ clients, resources, sink, verbose, metricsNamespace: config.operations.metricsNamespace }),
  };

  // 4. Pollers and watchers.
  const runners = startRunners({
    ...{ resources, endpoints: opts.endpoints, clients, region, messages, outboxPath, handlers, verbose, sink, count },
    maxConcurrency: opts.maxConcurrency ?? 2,
    waitTimeSeconds: opts.waitTimeSeconds ?? 20,
    watchIntervalMs: opts.watchIntervalMs ?? 250,
    sesJoinGraceMs: opts.sesJoinGraceMs ?? 10_000,
  });

  // 5. local.json.
  const state = localState({
    region,
    endpoints: opts.endpoints,
    resources,
    prefix: opts.prefix,
    outboxPath,
    inboundObjectPrefix: INBOUND_OBJECT_PREFIX,
  });
  const writeState = opts.writeState ?? true;
  if (writeState) writeLocalState(stateDir, state);

  let stopping: Promise<void> | undefined;
  return {
    state,
    resources,
    clients,
    counters,
    stop: () =>
      (stopping ??= (async () => {
        if (writeState) removeLocalState(stateDir);
        await runners.stop();
        clients.destroy();
      })()),
  };
}
