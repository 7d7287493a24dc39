/**
 * Per-message CPU cost of the send pipeline's own work, process() end to end, with the
 * provider, the stores and SQS stubbed to return at once: parse + validate the body, hash it,
 * the state-machine calls, suppression filtering, the rate limiter, recording. Goal from the
 * issue: under 0.2 ms for a simple email. Run: npx tsx bench/run.ts send
 */
import type { SQSRecord } from 'aws-lambda';
import { validatorFor } from '../src/contract/validate.js';
import type { SendResult } from '../src/providers/types.js';
import { createSendProcessor } from '../src/send/process.js';
import type { SendQueuePort } from '../src/send/queue.js';
import { RateLimiters } from '../src/send/rate-limit.js';
import type { SendConfig } from '../src/send/types.js';
import type { MessageStorePort, StoredMessage } from '../src/store/message-record.js';
import type { SuppressionLookup } from '../src/store/suppressions.js';
import { type Benchmark, type BenchResult, measure } from './harness.js';

const NOW = '2030-01-01T00:00:00.000Z';
const record = (id: string, channel: 'email' | 'sms'): StoredMessage => ({
  id,
  channel,
  provider: 'stub',
  status: 'pending',
  attempts: 0,
  throttles: 0,
  createdAt: NOW,
  updatedAt: NOW,
  recipients: {},
});

/** Answers like a store with no contention: every begin creates, every claim succeeds. */
const stubMessages: MessageStorePort = {
  get: async () => undefined,
  begin: async (input) => ({ created: true, record: record(input.id, input.channel) }),
  claim: async (id) => ({ claimed: true, token: 't', record: { ...record(id, 'email'), status: 'processing', attempts: 1 } }),
  markSent: async () => undefined,
  markErrored: async () => undefined,
  markFailed: async () => undefined,
  markCancelled: async () => undefined,
  markDeadLettered: async () => undefined,
  syncRecipientIndex: async () => undefined,
  recordInvalid: async (input) => ({ created: true, record: record(input.id, input.channel) }),
  reopenRedriven: async () => undefined,
};
const noSuppressions: SuppressionLookup = { filterSuppressed: async () => new Map() };
const noQueue: SendQueuePort = {
  changeVisibility: async () => undefined,
  requeue: async () => undefined,
  deadLetter: async () => undefined,
};
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const accepted = (recipients: string[]): SendResult => ({
  provider: 'stub',
  providerMessageId: 'p',
  recipients: Object.fromEntries(recipients.map((r) => [r, { status: 'queued' as const }])),
});

function processor(channel: 'email' | 'sms') {
  const config: SendConfig = {
    channel,
    defaultProvider: 'stub',
    maxReceiveCount: 5,
    backoff: { baseSeconds: 30, maxSeconds: 900 },
    ignoreUnsupportedFeatures: false,
  };
  const capabilities = {} as never;
  return createSendProcessor({
    config,
    validate: validatorFor(channel),
    messages: stubMessages,
    suppressions: noSuppressions,
    providers: {
      email: () => ({ name: 'stub', capabilities, send: async (m) => accepted([...(m.to ?? []), ...(m.cc ?? [])].map((r) => r.address)) }),
      sms: () => ({ name: 'stub', capabilities, send: async (m) => accepted([m.to]) }),
    },
    queue: noQueue,
    limiters: new RateLimiters({ ratePerSecond: 1e12, burst: 1e12 }),
    logger: silent,
    metrics: { count() {} },
  });
}

function sqsRecord(body: string): SQSRecord {
  return {
    messageId: 'sqs-1',
    receiptHandle: 'rh',
    body,
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:q',
    awsRegion: 'us-east-1',
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(Date.now()),
      SenderId: 'x',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
  };
}

const simpleEmail = JSON.stringify({
  channel: 'email',
  id: 'order-1042',
  from: 'Shop <shop@example.com>',
  to: ['Ann Example <ann@example.com>'],
  subject: 'Your order has shipped',
  text: 'Your order 1042 has shipped and will arrive on Thursday.',
  tags: ['orders'],
  metadata: { orderId: 1042 },
});
const withAttachment = JSON.stringify({
  ...JSON.parse(simpleEmail),
  attachments: [{ filename: 'invoice.pdf', contentType: 'application/pdf', content: Buffer.alloc(1024 * 1024, 7).toString('base64') }],
});
const sms = JSON.stringify({ channel: 'sms', id: 'otp-77', to: '+14155550100', body: 'Your code is 123456' });

export const benchmarks: Benchmark[] = [
  {
    name: 'send: process() per message, provider and stores stubbed',
    async run(): Promise<BenchResult[]> {
      const email = processor('email');
      const text = processor('sms');
      const emailRecord = sqsRecord(simpleEmail);
      const attachmentRecord = sqsRecord(withAttachment);
      const smsRecord = sqsRecord(sms);
      return [
        await measure('simple email', () => email.processRecord(emailRecord), { rounds: 15, opsPerRound: 2000 }),
        await measure('SMS', () => text.processRecord(smsRecord), { rounds: 15, opsPerRound: 2000 }),
        await measure('email with a 1 MB attachment (validate + hash)', () => email.processRecord(attachmentRecord), {
          rounds: 9,
          opsPerRound: 20,
        }),
      ];
    },
  },
];
