// A user's producer: type-checked with tsc against the installed package's declarations,
// then run against the local pipeline's queues. Prints what it got as JSON for ../pack.test.ts.
import { SQSClient } from '@aws-sdk/client-sqs';
import { type BatchEntryResult, InvalidMessageError, MailroomClient, type MessageInput } from 'mailroom/client';
import { type EmailMessageInput, messageSchema } from 'mailroom/contract';

const { emailQueueUrl, smsQueueUrl, endpoint, region } = JSON.parse(process.env.MAILROOM_TARGET ?? '{}') as Record<string, string>;
const sqsClient = new SQSClient({ endpoint, region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
const client = new MailroomClient({ emailQueueUrl: emailQueueUrl!, smsQueueUrl: smsQueueUrl!, sqsClient });

const order: EmailMessageInput = {
  channel: 'email',
  id: 'order-1042-confirmation',
  from: { name: 'Acme Shop', address: 'shop@acme.example' },
  to: 'Ann Example <ann@example.org>',
  subject: 'Your order 1042',
  text: 'Hi Ann, your order 1042 is confirmed.',
  metadata: { orderId: 1042 },
};
// @ts-expect-error: the contract has no fax channel (fails to compile if the types were any)
const fax: MessageInput = { channel: 'fax', to: '+14155550100' };

const sent = await client.send(order);
const batch: BatchEntryResult[] = await client.sendBatch([
  { channel: 'sms', to: '+14155550100', body: 'Your Acme code is 123456' },
  { ...order, id: 'order-1043-confirmation', subject: 'Your order 1043' },
]);
let refused: unknown;
try {
  await client.send({ channel: 'email', from: 'shop@acme.example', to: 'not an address', subject: 'x', text: 'x' });
} catch (error) {
  if (!(error instanceof InvalidMessageError)) throw error;
  refused = error.reasons;
}
console.log(JSON.stringify({ sent, batch, refused, schemaAccepts: messageSchema.safeParse(order).success, fax: typeof fax }));
sqsClient.destroy();
