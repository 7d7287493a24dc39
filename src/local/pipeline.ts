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
 * 5. writes `<stateDir>/local.json` (CONTRACT.md §6) once everything runs.
 *
 * The tracking handler's verifier skips SNS signature checks (and with them the allowlist):
 * fauxqs signs nothing (it puts "EXAMPLE" where the signature goes, with a certificate URL on
 * the real AWS host), so a genuine check would refuse every local event. What reaches the
 * tracking queue can only come from the local topic it is subscribed to.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import type { CloudWatchLogsEvent } from 'aws-lambda';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createTrackingHandler } from '../../lambdas/tracking/handler.js';
import { receiptRouter } from '../../lambdas/tracking/https.js';
import { createSmsStatusHandler } from '../../lambdas/tracking/sms-status.js';
import { createSendHandler } from '../../lambdas/send/handler.js';
import { resolveConfig } from '../config/resolve.js';
import type { MailroomConfig } from '../config/schema.js';
import type { Channel } from '../contract/message.js';
import { InboundStore } from '../store/inbound.js';
import { MessageStore } from '../store/messages.js';
import { SuppressionStore } from '../store/suppressions.js';
import { LocalEmailProvider } from '../providers/email/local.js';
import { encodeTagValue, MESSAGE_ID_TAG, TAG_PATTERN } from '../providers/email/ses-tags.js';
import { createProviderRegistry } from '../providers/registry.js';
import { LocalSmsProvider } from '../providers/sms/local.js';
import { FileSmsOutbox } from '../providers/sms/outbox.js';
import { createSendProcessor } from '../send/process.js';
import { S3BodyStore, sqsBodyPrefix } from '../send/oversize.js';
import { SqsSendQueue } from '../send/queue.js';
import { RateLimiters } from '../send/rate-limit.js';
import type { SendMetric } from '../send/types.js';
import { SnsVerifier } from '../tracking/sns/index.js';
import { createIngestDeps } from '../tracking/wiring.js';
import { LOCAL_REGION, localClients, type LocalClients } from './clients.js';
import { localLogger, type LineSink } from './log.js';
import { SqsPoller, type PollerEvent } from './poller.js';
import { createQueuePair, provisionLocal, type LocalResources, type QueuePair } from './provision.js';
import type { LocalEndpoints } from './servers.js';
import { SesEventWatcher, type JoinedMessage } from './ses-events.js';
import { SmsReceiptWatcher } from './sms-receipts.js';
import { snsHandlerOverSqs } from './sns-over-sqs.js';
import { localSendSettings } from './send-settings.js';
import { removeLocalState, writeLocalState, type LocalState } from './state.js';
import { validatorFor } from '../contract/validate.js';
import { maskText } from '../logging/mask.js';

export const LOCAL_CONFIGURATION_SET = 'mailroom-local';
/** Where the local "receipt rule" stores raw mail: the same prefix as the CDK stack (lib/inbound-pipeline.ts). */
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
  readonly resources: LocalResources & { readonly tracking: QueuePair & { readonly topicArn: string; readonly subscriptionArn: string } };
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
  const visibilityTimeout = opts.visibilityTimeout ?? 30;
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
  const base = await provisionLocal(clients, opts.prefix, { maxReceiveCount, visibilityTimeout });
  const { TopicArn: topicArn } = await clients.sns.send(new CreateTopicCommand({ Name: `${opts.prefix}-ses-events` }));
  const trackingQueue = await createQueuePair(clients.sqs, `${opts.prefix}-tracking`, maxReceiveCount, visibilityTimeout);
  const { SubscriptionArn: subscriptionArn } = await clients.sns.send(
    new SubscribeCommand({ TopicArn: topicArn!, Protocol: 'sqs', Endpoint: trackingQueue.arn, ReturnSubscriptionArn: true }),
  );
  const resources = { ...base, tracking: { ...trackingQueue, topicArn: topicArn!, subscriptionArn: subscriptionArn! } };

  // 3. Handlers, wired like the Lambdas but with local clients.
  const metrics = (serviceName: string) => new Metrics({ namespace: config.operations.metricsNamespace, serviceName, logger: localLogger(serviceName, sink, false) });
  const messages = new MessageStore(clients.doc, base.tables.messages);
  const ingest = createIngestDeps({ doc: clients.doc, tables: base.tables, payload: { s3: clients.s3, bucket: base.buckets.payload } });

  const sendHandler = (channel: Channel) => {
    const name = `send-${channel}`;
    const logger = localLogger(name, sink, verbose);
    const settings = localSendSettings(config, channel, base.tables);
    // Registered under the configured instance names of the AWS kinds too, so a message that
    // names `provider: "ses"` (or "sns") runs locally unchanged.
    const providers =
      channel === 'email'
        ? createProviderRegistry({
            email: settings.standInNames.map((n) => new LocalEmailProvider(clients.sesv2, { name: n, configurationSet: LOCAL_CONFIGURATION_SET, s3: clients.s3 })),
          })
        : createProviderRegistry({ sms: settings.standInNames.map((n) => new LocalSmsProvider(new FileSmsOutbox(outboxPath), { name: n })) });
    const queue = base.queues[channel];
    const processor = createSendProcessor({
      validate: validatorFor(channel),
      config: {
        channel,
        defaultProvider: settings.defaultProvider,
        maxReceiveCount,
        backoff: opts.backoff ?? settings.backoff,
        ignoreUnsupportedFeatures: settings.ignoreUnsupportedFeatures,
      },
      messages,
      suppressions: new SuppressionStore(clients.doc, base.tables.suppressions),
      providers,
      queue: new SqsSendQueue(clients.sqs, {
        queueUrl: queue.url,
        dlqUrl: queue.dlqUrl,
        bodies: new S3BodyStore(clients.s3, { bucket: base.buckets.payload, prefix: sqsBodyPrefix(channel) }),
      }),
      limiters: new RateLimiters({ ratePerSecond: opts.maxSendRate ?? settings.maxSendRate }),
      policy: settings.policy,
      logger,
      metrics: { count: (metric: SendMetric, value = 1) => count(`${channel}.${metric}`, value) },
    });
    return createSendHandler({ processor, logger });
  };

  const trackingLogger = localLogger('tracking', sink, verbose);
  const trackingMetrics = metrics('mailroom-tracking');
  const trackingInbound = {
    s3: clients.s3,
    store: new InboundStore(clients.doc, base.tables.inbound),
    bucket: base.buckets.inbound,
    bodiesBucket: base.buckets.payload,
    maxBytes: 40 * 1024 * 1024,
    clock: () => new Date(),
    logger: trackingLogger,
  };
  const trackingSns = {
    verifier: new SnsVerifier({ allowedTopicArns: [topicArn!], skipSignatureCheck: true }),
    logger: trackingLogger,
    metrics: trackingMetrics,
    snsClientForRegion: () => clients.sns,
  };
  const trackingHandler = createTrackingHandler({
    // As the HTTPS entry does: receipt notifications that reach tracking go to inbound.
    // The local topic carries both kinds, so it is on both purposes' lists.
    route: receiptRouter(trackingInbound, { logger: trackingLogger, metrics: trackingMetrics, sns: trackingSns }, { tracking: [topicArn!], inbound: [topicArn!] }),
    sns: trackingSns,
    ingest,
    logger: trackingLogger,
    metrics: trackingMetrics,
  });
  const smsStatusLogger = localLogger('sms-status', sink, verbose);
  const smsStatusHandler = createSmsStatusHandler({ ingest, logger: smsStatusLogger, metrics: metrics('mailroom-sms-status') });

  // 4. Pollers and watchers.
  const onPollerEvent = (e: PollerEvent) => {
    if (e.type === 'batch') count(`${e.poller}.batches`);
    else sink(`[${e.poller}] ${e.stage} error: ${e.error instanceof Error ? e.error.message : String(e.error)}`);
  };
  const common = { sqs: clients.sqs, region, maxConcurrency: opts.maxConcurrency ?? 2, waitTimeSeconds: opts.waitTimeSeconds ?? 20, onEvent: onPollerEvent };
  const pollers = [
    new SqsPoller({ ...common, name: 'send-email', queueUrl: base.queues.email.url, queueArn: base.queues.email.arn, handler: sendHandler('email') }),
    new SqsPoller({ ...common, name: 'send-sms', queueUrl: base.queues.sms.url, queueArn: base.queues.sms.arn, handler: sendHandler('sms') }),
    new SqsPoller({
      ...common,
      name: 'tracking',
      queueUrl: trackingQueue.url,
      queueArn: trackingQueue.arn,
      handler: snsHandlerOverSqs(trackingHandler, subscriptionArn!, (error) => trackingLogger.warn('tracking record failed', error)),
    }),
  ];
  const sesWatcher = new SesEventWatcher({
    sesEndpoint: opts.endpoints.sesv2,
    sns: clients.sns,
    topicArn: topicArn!,
    region,
    configurationSet: LOCAL_CONFIGURATION_SET,
    resolve: async (providerMessageId) => joinedMessage(await messages.getByProviderMessageId(providerMessageId), providerMessageId),
    intervalMs: opts.watchIntervalMs ?? 250,
    joinGraceMs: opts.sesJoinGraceMs ?? 10_000,
    onError: (error) => sink(`[ses-events] error: ${error instanceof Error ? error.message : String(error)}`),
    onPublished: (email, types) => {
      count('sesEvents.published', types.length);
      if (verbose) sink(`[ses-events] ${email.messageId}: ${types.join(', ')}`);
    },
  });
  const smsWatcher = new SmsReceiptWatcher({
    outboxPath,
    region,
    deliver: async (event) => {
      await smsStatusHandler(event as CloudWatchLogsEvent);
    },
    intervalMs: opts.watchIntervalMs ?? 250,
    onError: (error) => sink(`[sms-receipts] error: ${error instanceof Error ? error.message : String(error)}`),
    onDelivered: () => count('smsReceipts.delivered'),
  });
  for (const p of pollers) p.start();
  sesWatcher.start();
  smsWatcher.start();

  // 5. local.json.
  const state: LocalState = {
    region,
    endpoints: { sqs: opts.endpoints.sqs, sns: opts.endpoints.sns, dynamodb: opts.endpoints.dynamodb, s3: opts.endpoints.s3, sesv2: opts.endpoints.sesv2 },
    queues: { email: base.queues.email.url, sms: base.queues.sms.url },
    tables: { ...base.tables },
    buckets: { inbound: base.buckets.inbound, payload: base.buckets.payload },
    ui: `${opts.endpoints.sesv2}/`,
    prefix: opts.prefix,
    dlqs: { email: base.queues.email.dlqUrl, sms: base.queues.sms.dlqUrl },
    topics: { sesEvents: topicArn! },
    inboundObjectPrefix: INBOUND_OBJECT_PREFIX,
    outbox: outboxPath,
    pid: process.pid,
    startedAt: new Date().toISOString(),
  };
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
        await Promise.all([sesWatcher.stop(), smsWatcher.stop()]);
        await Promise.all(pollers.map((p) => p.stop()));
        clients.destroy();
      })()),
  };
}

/**
 * What the SES event watcher needs from our record: the envelope recipients of this SES
 * message (for a merge send, only the recipients that got this provider message id) and the
 * SES message tags our adapter set (our id tag; contract tags valid as SES tag names as `true`).
 */
export function joinedMessage(
  record: { id: string; tags?: readonly string[]; recipients: Readonly<Record<string, { status: string; providerMessageId?: string }>> } | undefined,
  providerMessageId: string,
): JoinedMessage | undefined {
  if (!record) return undefined;
  const entries = Object.entries(record.recipients);
  const perRecipient = entries.some(([, s]) => s.providerMessageId !== undefined);
  const destination = (perRecipient ? entries.filter(([, s]) => s.providerMessageId === providerMessageId) : entries.filter(([, s]) => s.status !== 'suppressed')).map(([k]) => k);
  const tags: Record<string, string[]> = { [MESSAGE_ID_TAG]: [encodeTagValue(record.id)] };
  for (const tag of record.tags ?? []) if (TAG_PATTERN.test(tag) && !(tag in tags)) tags[tag] = ['true'];
  return { destination, tags };
}
