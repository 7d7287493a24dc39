import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snsEventPublisher } from '../../../src/inbound/publish.js';
import { type LocalEnv, localEnv } from '../../support/local.js';
import { mimeFixture } from '../../unit/inbound/support.js';
import { event, harness, newMessageId, putRaw, s3Notification } from './support.js';

describe('"inbound received" events on the local SNS', () => {
  let env: LocalEnv;
  beforeAll(async () => {
    env = await localEnv();
  });
  afterAll(() => env.clients.destroy());

  it('reach an SQS subscriber with the filterable attributes', async () => {
    // Prepare: topic → queue, as an application would subscribe.
    const prefix = env.resources.buckets.inbound.replace(/-inbound$/, '');
    const { TopicArn } = await env.clients.sns.send(new CreateTopicCommand({ Name: `${prefix}-inbound-events` }));
    const { QueueUrl } = await env.clients.sqs.send(new CreateQueueCommand({ QueueName: `${prefix}-app` }));
    const { Attributes } = await env.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    await env.clients.sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: Attributes!.QueueArn }));
    const h = harness(env, { publish: snsEventPublisher(env.clients.sns, TopicArn!) });
    const id = newMessageId();
    const bucket = env.resources.buckets.inbound;
    await putRaw(env.clients.s3, bucket, { id, recipients: ['Help@Example.com'] }, mimeFixture('plain-text.eml', 'crlf'));
    // Act
    await h.handler(event(s3Notification(bucket, { id, recipients: ['Help@Example.com'] })));
    // Assess
    const { Messages } = await env.clients.sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 5, MaxNumberOfMessages: 10 }));
    expect(Messages).toHaveLength(1);
    const envelope = JSON.parse(Messages![0]!.Body!) as {
      Message: string;
      MessageAttributes: Record<string, { Type: string; Value: string }>;
    };
    expect(JSON.parse(envelope.Message)).toEqual({
      type: 'inbound.received',
      version: 1,
      id,
      receivedAt: '2015-09-11T20:32:33.936Z',
      envelopeRecipients: ['Help@Example.com'],
      from: { name: 'José García', address: 'jose@sender.example' },
      subject: 'Order 1234: shipping question',
      spamDetected: false,
      quarantined: false,
      attachmentCount: 0,
      record: { table: env.resources.tables.inbound, id },
    });
    expect(envelope.MessageAttributes['envelopeRecipients']).toEqual({ Type: 'String.Array', Value: '["help@example.com"]' });
    expect(envelope.MessageAttributes['spamDetected']).toEqual({ Type: 'String', Value: 'false' });
    expect((await h.store.get(id))!.publishedAt).toBeDefined();
  });
});
