/**
 * Step 4 of the local pipeline (./pipeline.ts): a Lambda-like poller per queue
 * (./poller.ts), the SES event watcher (./ses-events.ts) and the SMS receipt watcher
 * (./sms-receipts.ts). Started together, stopped together.
 */
import type { CloudWatchLogsEvent, Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { MessageStore } from '../store/messages.js';
import { joinedMessage } from './joined-message.js';
import type { LineSink, LocalLogger } from './log.js';
import type { PipelineResources } from './pipeline-resources.js';
import { LOCAL_CONFIGURATION_SET } from './pipeline-send.js';
import { type PollerEvent, SqsPoller } from './poller.js';
import type { LocalEndpoints } from './servers.js';
import { SesEventWatcher } from './ses-events.js';
import { SmsReceiptWatcher } from './sms-receipts.js';
import { snsHandlerOverSqs } from './sns-over-sqs.js';

type SendHandler = (event: SQSEvent, context?: Context) => Promise<SQSBatchResponse>;

export interface RunnersOptions {
  readonly resources: PipelineResources;
  readonly endpoints: LocalEndpoints;
  readonly clients: { readonly sqs: import('@aws-sdk/client-sqs').SQSClient; readonly sns: import('@aws-sdk/client-sns').SNSClient };
  readonly region: string;
  readonly messages: MessageStore;
  readonly outboxPath: string;
  readonly handlers: {
    readonly email: SendHandler;
    readonly sms: SendHandler;
    readonly tracking: Parameters<typeof snsHandlerOverSqs>[0];
    readonly trackingLogger: Pick<LocalLogger, 'warn'>;
    readonly smsStatus: (event: CloudWatchLogsEvent) => Promise<unknown>;
  };
  readonly maxConcurrency: number;
  readonly waitTimeSeconds: number;
  readonly watchIntervalMs: number;
  readonly sesJoinGraceMs: number;
  readonly verbose: boolean;
  readonly sink: LineSink;
  readonly count: (name: string, value?: number) => void;
}

export interface Runners {
  stop(): Promise<void>;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function startRunners(opts: RunnersOptions): Runners {
  const { resources, handlers, sink, count } = opts;
  const onEvent = (e: PollerEvent) => {
    if (e.type === 'batch') count(`${e.poller}.batches`);
    else sink(`[${e.poller}] ${e.stage} error: ${message(e.error)}`);
  };
  const common = {
    sqs: opts.clients.sqs,
    region: opts.region,
    maxConcurrency: opts.maxConcurrency,
    waitTimeSeconds: opts.waitTimeSeconds,
    onEvent,
  };
  const { email, sms, tracking } = { email: resources.queues.email, sms: resources.queues.sms, tracking: resources.tracking };
  const pollers = [
    new SqsPoller({ ...common, name: 'send-email', queueUrl: email.url, queueArn: email.arn, handler: handlers.email }),
    new SqsPoller({ ...common, name: 'send-sms', queueUrl: sms.url, queueArn: sms.arn, handler: handlers.sms }),
    new SqsPoller({
      ...common,
      name: 'tracking',
      queueUrl: tracking.url,
      queueArn: tracking.arn,
      handler: snsHandlerOverSqs(handlers.tracking, tracking.subscriptionArn, (error) =>
        handlers.trackingLogger.warn('tracking record failed', error),
      ),
    }),
  ];
  const sesWatcher = new SesEventWatcher({
    sesEndpoint: opts.endpoints.sesv2,
    sns: opts.clients.sns,
    topicArn: tracking.topicArn,
    region: opts.region,
    configurationSet: LOCAL_CONFIGURATION_SET,
    resolve: async (providerMessageId) => joinedMessage(await opts.messages.getByProviderMessageId(providerMessageId), providerMessageId),
    intervalMs: opts.watchIntervalMs,
    joinGraceMs: opts.sesJoinGraceMs,
    onError: (error) => sink(`[ses-events] error: ${message(error)}`),
    onPublished: (sent, types) => {
      count('sesEvents.published', types.length);
      if (opts.verbose) sink(`[ses-events] ${sent.messageId}: ${types.join(', ')}`);
    },
  });
  const smsWatcher = new SmsReceiptWatcher({
    outboxPath: opts.outboxPath,
    region: opts.region,
    deliver: async (event) => {
      await handlers.smsStatus(event as CloudWatchLogsEvent);
    },
    intervalMs: opts.watchIntervalMs,
    onError: (error) => sink(`[sms-receipts] error: ${message(error)}`),
    onDelivered: () => count('smsReceipts.delivered'),
  });
  for (const p of pollers) p.start();
  sesWatcher.start();
  smsWatcher.start();
  return {
    async stop() {
      await Promise.all([sesWatcher.stop(), smsWatcher.stop()]);
      await Promise.all(pollers.map((p) => p.stop()));
    },
  };
}
