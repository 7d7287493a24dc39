/**
 * MailroomClient against a mocked SQS and CloudFormation (aws-sdk-client-mock): validation
 * before anything is sent, ids as the consumer derives them, SendMessageBatch chunking and
 * per-entry failures, and fromStack reading the stack outputs the CLI reads.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { SendMessageBatchCommand, type SendMessageBatchRequestEntry, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { MailroomClient } from '../../../src/client/client.js';
import { StackOutputsError } from '../../../src/client/stack-outputs.js';
import type { MessageInput } from '../../../src/contract/message.js';
import { deriveId, InvalidMessageError, validatorFor } from '../../../src/contract/validate.js';

const sqsMock = mockClient(SQSClient);
const cfnMock = mockClient(CloudFormationClient);
const credentials = { accessKeyId: 'x', secretAccessKey: 'x' };
const sqsClient = new SQSClient({ region: 'eu-west-1', credentials });
const queues = { emailQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/1/email', smsQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/1/sms' };
const client = (maxBatchBytes?: number) => new MailroomClient({ ...queues, sqsClient, ...(maxBatchBytes ? { maxBatchBytes } : {}) });

const email = (n: number, extra: object = {}): MessageInput => ({
  channel: 'email',
  from: 'shop@acme.example',
  to: `ann${n}@example.org`,
  subject: `Order ${n}`,
  text: 'Hi',
  ...extra,
});
const sms: MessageInput = { channel: 'sms', to: '+14155550100', body: 'Your code is 123456' };

beforeEach(() => {
  sqsMock.reset();
  cfnMock.reset();
  sqsMock.on(SendMessageCommand).resolves({ MessageId: 'm' });
  sqsMock.on(SendMessageBatchCommand).callsFake((input: { Entries: SendMessageBatchRequestEntry[] }) => ({
    Successful: input.Entries.map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}`, MD5OfMessageBody: '' })),
    Failed: [],
  }));
});

describe('MailroomClient.send', () => {
  it("puts the JSON body on its channel's queue and returns the producer's id", async () => {
    const message = email(1, { id: 'order-1' });
    expect(await client().send(message)).toEqual({ id: 'order-1' });
    expect(await client().send(sms)).toEqual({ id: deriveId(JSON.stringify(sms)) });
    const calls = sqsMock.commandCalls(SendMessageCommand).map((c) => c.args[0].input);
    expect(calls).toEqual([
      { QueueUrl: queues.emailQueueUrl, MessageBody: JSON.stringify(message) },
      { QueueUrl: queues.smsQueueUrl, MessageBody: JSON.stringify(sms) },
    ]);
  });

  it('returns, for a message without id, the id the send Lambda derives from the same body', async () => {
    const { id } = await client().send(email(2));
    const body = sqsMock.commandCalls(SendMessageCommand)[0]!.args[0].input.MessageBody!;
    expect(id).toBe(validatorFor('email')(body).id);
    expect(id).toMatch(/^derived:/);
  });

  it('throws InvalidMessageError with field reasons and sends nothing', async () => {
    const invalid = {
      channel: 'email',
      from: 'shop@acme.example',
      to: 'not an address',
      subject: 'Hi\r\nBcc: x@y.z',
      text: 'x',
    } as MessageInput;
    const error = await client()
      .send(invalid)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidMessageError);
    expect((error as InvalidMessageError).reasons.map((r) => r.path).sort()).toEqual(['subject', 'to']);
    expect(sqsMock.calls()).toHaveLength(0);
  });

  it('refuses a value JSON cannot carry as an invalid message', async () => {
    const error = await client()
      .send({ ...email(3), metadata: { n: 1n } } as unknown as MessageInput)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidMessageError);
    expect(sqsMock.calls()).toHaveLength(0);
  });
});

describe('MailroomClient.sendBatch', () => {
  it("sends each channel in SendMessageBatch requests of at most 10 and returns ids in the caller's order", async () => {
    const messages = [...Array.from({ length: 12 }, (_, n) => email(n, { id: `e-${n}` })), sms];
    const results = await client().sendBatch(messages);
    expect(results).toEqual([...Array.from({ length: 12 }, (_, n) => ({ id: `e-${n}` })), { id: deriveId(JSON.stringify(sms)) }]);
    const requests = sqsMock.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input);
    expect(requests.map((r) => [r.QueueUrl, r.Entries!.length])).toEqual([
      [queues.emailQueueUrl, 10],
      [queues.emailQueueUrl, 2],
      [queues.smsQueueUrl, 1],
    ]);
    expect(requests[0]!.Entries![3]).toEqual({ Id: '3', MessageBody: JSON.stringify(messages[3]) });
  });

  it('keeps each request under the payload limit, and reports a body no request can carry', async () => {
    const big = (n: number, kib: number) => email(n, { id: `big-${n}`, text: 'x'.repeat(kib * 1024) });
    const results = await client().sendBatch([big(1, 100), big(2, 100), big(3, 100), big(4, 300)]);
    const requests = sqsMock.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input.Entries!.map((e) => e.Id));
    expect(requests).toEqual([['0', '1'], ['2']]);
    expect(results.slice(0, 3)).toEqual([{ id: 'big-1' }, { id: 'big-2' }, { id: 'big-3' }]);
    expect(results[3]).toEqual({ error: expect.objectContaining({ id: 'big-4', code: 'message_too_large', senderFault: true }) });
  });

  it('reports the entries SQS refused, and every entry of a request that failed as a whole', async () => {
    sqsMock.on(SendMessageBatchCommand, { QueueUrl: queues.emailQueueUrl }).resolves({
      Successful: [{ Id: '0', MessageId: 'a', MD5OfMessageBody: '' }],
      Failed: [{ Id: '1', Code: 'InternalError', Message: 'try again', SenderFault: false }],
    });
    sqsMock
      .on(SendMessageBatchCommand, { QueueUrl: queues.smsQueueUrl })
      .rejects(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }));
    const results = await client().sendBatch([email(0, { id: 'ok' }), email(1, { id: 'refused' }), sms]);
    expect(results).toEqual([
      { id: 'ok' },
      { error: { id: 'refused', code: 'InternalError', message: 'try again', senderFault: false } },
      { error: { id: deriveId(JSON.stringify(sms)), code: 'TimeoutError', message: 'socket hang up', senderFault: false } },
    ]);
  });

  it('throws for the whole batch, reasons prefixed by index, before anything is enqueued', async () => {
    const error = await client()
      .sendBatch([email(0), { ...sms, to: '12' } as MessageInput, email(2)])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidMessageError);
    expect((error as InvalidMessageError).reasons.map((r) => r.path)).toEqual(['1.to']);
    expect(sqsMock.calls()).toHaveLength(0);
  });

  it('refuses a payload limit SQS does not have', () => {
    expect(() => client(2 * 1024 * 1024)).toThrow(RangeError);
  });
});

describe('MailroomClient.fromStack', () => {
  const cloudFormationClient = new CloudFormationClient({ region: 'eu-west-1', credentials });

  it('reads the queue URLs from the stack outputs the CLI reads', async () => {
    cfnMock.on(DescribeStacksCommand, { StackName: 'Shop' }).resolves({
      Stacks: [
        {
          StackName: 'Shop',
          CreationTime: new Date(),
          StackStatus: 'CREATE_COMPLETE',
          Outputs: [
            { OutputKey: 'EmailQueueUrl', OutputValue: queues.emailQueueUrl },
            { OutputKey: 'SmsQueueUrl', OutputValue: queues.smsQueueUrl },
            { OutputKey: 'Region', OutputValue: 'eu-west-1' },
          ],
        },
      ],
    });
    const fromStack = await MailroomClient.fromStack('Shop', { cloudFormationClient, sqsClient });
    await fromStack.send(sms);
    expect(sqsMock.commandCalls(SendMessageCommand)[0]!.args[0].input.QueueUrl).toBe(queues.smsQueueUrl);
  });

  it('says which outputs a stack without Mailroom lacks', async () => {
    cfnMock
      .on(DescribeStacksCommand)
      .resolves({ Stacks: [{ StackName: 'Other', CreationTime: new Date(), StackStatus: 'CREATE_COMPLETE', Outputs: [] }] });
    await expect(MailroomClient.fromStack('Other', { cloudFormationClient })).rejects.toThrow(
      new StackOutputsError('stack Other has no output EmailQueueUrl, SmsQueueUrl: is it a Mailroom stack?'),
    );
  });

  it('says which stack and region it could not read', async () => {
    cfnMock.on(DescribeStacksCommand).rejects(new Error('Stack with id Gone does not exist'));
    await expect(MailroomClient.fromStack('Gone', { cloudFormationClient })).rejects.toThrow(
      'cannot read stack Gone in eu-west-1: Stack with id Gone does not exist',
    );
  });
});
