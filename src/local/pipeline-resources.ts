/**
 * Steps 1-2 of the local pipeline (./pipeline.ts): tables, queues (+ DLQs) and buckets under
 * the prefix, and the "SES events" SNS topic with a tracking queue subscribed to it (fauxqs
 * only delivers SNS to SQS).
 */
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import type { LocalClients } from './clients.js';
import { createQueuePair, type LocalResources, provisionLocal, type QueuePair } from './provision.js';

export type PipelineResources = LocalResources & {
  readonly tracking: QueuePair & { readonly topicArn: string; readonly subscriptionArn: string };
};

export interface QueueSettings {
  readonly maxReceiveCount: number;
  readonly visibilityTimeout: number;
}

export async function provisionPipeline(clients: LocalClients, prefix: string, queues: QueueSettings): Promise<PipelineResources> {
  const base = await provisionLocal(clients, prefix, queues);
  const { TopicArn: topicArn } = await clients.sns.send(new CreateTopicCommand({ Name: `${prefix}-ses-events` }));
  const trackingQueue = await createQueuePair(clients.sqs, `${prefix}-tracking`, queues.maxReceiveCount, queues.visibilityTimeout);
  const { SubscriptionArn: subscriptionArn } = await clients.sns.send(
    new SubscribeCommand({ TopicArn: topicArn!, Protocol: 'sqs', Endpoint: trackingQueue.arn, ReturnSubscriptionArn: true }),
  );
  return { ...base, tracking: { ...trackingQueue, topicArn: topicArn!, subscriptionArn: subscriptionArn! } };
}
