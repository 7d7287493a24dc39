/**
 * The send handler of one channel, wired like the Lambda (lambdas/send) but with local
 * clients and the configured settings: email through the `local` SES adapter against aws-ses-v2-local, SMS into the
 * outbox file. Part of ./pipeline.ts.
 */
import type { Channel } from '../contract/message.js';
import { validatorFor } from '../contract/validate.js';
import { createSendHandler } from '../handlers/send.js';
import { LocalEmailProvider } from '../providers/email/local.js';
import { createProviderRegistry } from '../providers/registry.js';
import { LocalSmsProvider } from '../providers/sms/local.js';
import { FileSmsOutbox } from '../providers/sms/outbox.js';
import { S3BodyStore, sqsBodyPrefix } from '../send/oversize.js';
import { createSendProcessor } from '../send/process.js';
import { SqsSendQueue } from '../send/queue.js';
import { RateLimiters } from '../send/rate-limit.js';
import type { LoggerPort, SendMetric } from '../send/types.js';
import type { MessageStore } from '../store/messages.js';
import { SuppressionStore } from '../store/suppressions.js';
import type { LocalClients } from './clients.js';
import type { PipelineResources } from './pipeline-resources.js';
import type { LocalSendSettings } from './send-settings.js';

export const LOCAL_CONFIGURATION_SET = 'mailroom-local';

export interface LocalSendOptions {
  readonly clients: LocalClients;
  readonly resources: PipelineResources;
  readonly messages: MessageStore;
  readonly outboxPath: string;
  readonly maxReceiveCount: number;
  /** The channel's settings, produced from the configuration as a send Lambda's are (./send-settings.ts). */
  readonly settings: LocalSendSettings;
  /** Overrides of the configured backoff and rate (tests). */
  readonly backoff?: { readonly baseSeconds: number; readonly maxSeconds: number };
  readonly maxSendRate?: number;
  readonly logger: LoggerPort;
  /** Where the processor's counters go. */
  readonly count: (name: string, value?: number) => void;
}

export function localSendHandler(channel: Channel, opts: LocalSendOptions) {
  const { clients, resources, settings } = opts;
  const queue = resources.queues[channel];
  const processor = createSendProcessor({
    validate: validatorFor(channel),
    config: {
      channel,
      defaultProvider: settings.defaultProvider,
      maxReceiveCount: opts.maxReceiveCount,
      backoff: opts.backoff ?? settings.backoff,
      ignoreUnsupportedFeatures: settings.ignoreUnsupportedFeatures,
    },
    messages: opts.messages,
    suppressions: new SuppressionStore(clients.doc, resources.tables.suppressions),
    providers: localProviders(channel, clients, opts.outboxPath, settings.standInNames),
    queue: new SqsSendQueue(clients.sqs, {
      queueUrl: queue.url,
      dlqUrl: queue.dlqUrl,
      bodies: new S3BodyStore(clients.s3, { bucket: resources.buckets.payload, prefix: sqsBodyPrefix(channel) }),
    }),
    limiters: new RateLimiters({ ratePerSecond: opts.maxSendRate ?? settings.maxSendRate }),
    policy: settings.policy,
    logger: opts.logger,
    metrics: { count: (metric: SendMetric, value = 1) => opts.count(`${channel}.${metric}`, value) },
  });
  return createSendHandler({ processor, logger: opts.logger });
}

/**
 * Registered under the configured instance names of the AWS kinds too, so a message that
 * names `provider: "ses"` (or "sns") runs locally unchanged.
 */
function localProviders(channel: Channel, clients: LocalClients, outboxPath: string, names: readonly string[]) {
  return channel === 'email'
    ? createProviderRegistry({
        email: names.map(
          (n) => new LocalEmailProvider(clients.sesv2, { name: n, configurationSet: LOCAL_CONFIGURATION_SET, s3: clients.s3 }),
        ),
      })
    : createProviderRegistry({ sms: names.map((n) => new LocalSmsProvider(new FileSmsOutbox(outboxPath), { name: n })) });
}
