/**
 * Entry points "SQS send body" (email and SMS): the real send handler and processor, the real
 * stores on DynamoDB Local, the local SES adapter (aws-ses-v2-local) or the local SMS outbox.
 * The queue port records what the handler re-enqueues and dead-letters (the SQS DLQ write
 * itself is exercised by test/integration/send/handler.test.ts).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import fc from 'fast-check';
import { recipientKey } from '../../../src/contract/recipient-key.js';
import { idOfInvalidBody, validatorFor } from '../../../src/contract/validate.js';
import { createSendHandler } from '../../../src/handlers/send.js';
import { lambdaContext } from '../../../src/local/sqs-event.js';
import { LocalEmailProvider } from '../../../src/providers/email/local.js';
import { LocalSmsProvider } from '../../../src/providers/sms/local.js';
import { FileSmsOutbox } from '../../../src/providers/sms/outbox.js';
import { createSendProcessor } from '../../../src/send/process.js';
import { QUEUE_ATTRS } from '../../../src/send/queue.js';
import { RateLimiters } from '../../../src/send/rate-limit.js';
import { MessageStore, type StoredMessage } from '../../../src/store/messages.js';
import { SuppressionStore } from '../../../src/store/suppressions.js';
import {
  deepNesting,
  hostileJson,
  hostileKey,
  hostileRecord,
  hostileText,
  LIMITS,
  PROTOTYPE_KEYS,
  scalar,
  sized,
  wrongType,
} from '../../support/hostile/arbitraries.js';
import type { Evidence } from '../../support/hostile/invariant.js';
import type { LocalEnv } from '../../support/local.js';
import { providerLookup, RecordingLogger, RecordingMetrics, RecordingQueue, sqsRecord } from '../../support/send-doubles.js';
import type { EntryPoint } from './entry-point.js';

type Channel = 'email' | 'sms';
/** A body as a producer writes it: JSON of a message object, or raw text. */
export type SendInput = { readonly json: Record<string, unknown> } | { readonly raw: string };

const address = fc.stringMatching(/^[a-z0-9]{1,10}$/).map((l) => `${l}@example.com`);
const mailbox = fc.oneof(
  address,
  fc.tuple(hostileText(10), address).map(([n, a]) => `${n} <${a}>`),
  fc.tuple(hostileText(6), address).map(([n, a]) => ({ name: n, address: a })),
);
const phone = fc.constantFrom('+14155552671', '+447911123456', '+919876543210', '+4915112345678');

/** Text without CR/LF, for fields that become headers (CR/LF there is refused, by design). */
const headerText = (max: number) => hostileText(max).map((t) => t.replace(/[\r\n\u0085\u2028]/g, ''));
const tag = headerText(12).filter((t) => t.length > 0);

/** Valid shapes with hostile content: these reach the provider and the store. */
const emailFields = fc.record(
  {
    to: fc.oneof(
      mailbox,
      fc.array(mailbox, { minLength: 1, maxLength: 3 }),
      fc.constant(Array.from({ length: LIMITS.recipients }, (_, i) => `r${i}@example.com`)),
    ),
    subject: headerText(30),
    text: fc.oneof(
      { weight: 9, arbitrary: hostileText(60) },
      { weight: 1, arbitrary: fc.constantFrom(LIMITS.sqsBody - 2048).map((n) => sized(n)) },
    ),
    metadata: hostileRecord(scalar),
    tags: fc.array(tag, { maxLength: 4 }),
    headers: fc.dictionary(fc.constantFrom(...PROTOTYPE_KEYS, 'X-Campaign'), headerText(12), { maxKeys: 3 }),
  },
  { requiredKeys: ['to', 'subject', 'text'] },
);

const smsFields = fc.record(
  {
    to: phone,
    body: fc.oneof(
      hostileText(40).filter((b) => b.length > 0),
      fc.constant(sized(LIMITS.smsBody, 'é')),
      fc.constant('😀'.repeat(LIMITS.smsBody / 2)),
    ),
    metadata: hostileRecord(scalar),
    tags: fc.array(tag, { maxLength: 4 }),
  },
  { requiredKeys: ['to', 'body'] },
);

/** One field made hostile past what the contract takes: wrong types, non-scalars, limits + 1, unknown keys. */
const mutations = {
  email: fc.oneof(
    fc.record({
      field: fc.constantFrom('to', 'subject', 'text', 'metadata', 'tags', 'headers', 'from', 'cc', 'template', 'mergeData'),
      value: fc.oneof(wrongType, hostileJson, deepNesting),
    }),
    fc.record({
      field: fc.constant('to'),
      value: fc.constant(Array.from({ length: LIMITS.recipients + 1 }, (_, i) => `r${i}@example.com`)),
    }),
    fc.record({
      field: fc.constant('to'),
      value: fc.constantFrom('john smith@example.com', 'a@example.com, b@example.com', 'A <a@example.com> b@example.com'),
    }),
    fc.record({ field: fc.constant('subject'), value: fc.constantFrom('a\r\nBcc: x@example.com', 'a\nb', 'nul\u0000') }),
    fc.record({
      field: fc.constant('metadata'),
      value: fc.oneof(hostileRecord(hostileJson), fc.constant({ [sized(LIMITS.metadataKey + 1, 'k')]: 1 })),
    }),
    // At, and just past, the metadata bound; and a value the size of a DynamoDB item.
    fc.record({
      field: fc.constant('metadata'),
      value: fc
        .constantFrom(LIMITS.metadataBytes, LIMITS.metadataBytes + 1, LIMITS.dynamoItem)
        .map((n) => ({ k: sized(n - '{"k":""}'.length) })),
    }),
    fc.record({ field: fc.constant('providerOptions'), value: hostileRecord(hostileJson, 2).filter((o) => Object.keys(o).length > 0) }),
    fc.record({ field: fc.constant('mergeGlobalData'), value: hostileRecord(hostileJson) }),
    fc.record({ field: hostileKey, value: hostileJson }),
  ),
  sms: fc.oneof(
    fc.record({
      field: fc.constantFrom('to', 'body', 'metadata', 'tags', 'from', 'smsType', 'mediaUrls'),
      value: fc.oneof(wrongType, hostileJson, deepNesting),
    }),
    fc.record({ field: fc.constant('body'), value: fc.constantFrom(sized(LIMITS.smsBody + 1, 'é'), '') }),
    fc.record({ field: fc.constant('to'), value: hostileText(12) }),
    fc.record({ field: fc.constant('providerOptions'), value: hostileRecord(hostileJson, 2).filter((o) => Object.keys(o).length > 0) }),
    fc.record({ field: hostileKey, value: hostileJson }),
  ),
};

const rawBodies = fc.oneof(
  hostileText(40),
  fc.constantFrom(
    '',
    'null',
    '[]',
    '{"channel":"email"',
    '{"__proto__":{"channel":"email"}}',
    '{"channel":"sms","constructor":{"prototype":1}}',
  ),
);

export function sendBodyArbitrary(channel: Channel): fc.Arbitrary<SendInput> {
  const valid = (
    channel === 'email'
      ? emailFields.map((f) => ({ channel, from: 'Shop <shop@example.com>', ...f }))
      : smsFields.map((f) => ({ channel, ...f }))
  ) as fc.Arbitrary<Record<string, unknown>>;
  const mutated = fc.tuple(valid, mutations[channel]).map(([json, { field, value }]) => {
    // Own key even for "__proto__": the JSON a producer sends has it as a key, not a prototype.
    const copy = { ...json };
    Object.defineProperty(copy, field, { value, enumerable: true, configurable: true, writable: true });
    return copy;
  });
  return fc.oneof(
    { weight: 5, arbitrary: valid.map((json) => ({ json })) },
    { weight: 4, arbitrary: mutated.map((json) => ({ json })) },
    { weight: 1, arbitrary: rawBodies.map((raw) => ({ raw })) },
  );
}

interface SendSeen {
  readonly body: string;
  readonly response: SQSBatchResponse;
  readonly record?: StoredMessage;
  readonly queue: RecordingQueue;
  readonly logger: RecordingLogger;
}

let runs = 0;

/** The body this run sends: a unique id on JSON inputs, so each run has its own record. */
function bodyOf(input: SendInput): string {
  if ('raw' in input) return input.raw;
  return JSON.stringify({ ...input.json, id: `hostile-${process.pid}-${++runs}` });
}

export function sendBodyEntryPoint(channel: Channel, env: LocalEnv): EntryPoint<SendInput, SendSeen> {
  const messages = new MessageStore(env.clients.doc, env.resources.tables.messages);
  const provider =
    channel === 'email'
      ? new LocalEmailProvider(env.clients.sesv2, { name: 'local' })
      : new LocalSmsProvider(new FileSmsOutbox(join(mkdtempSync(join(tmpdir(), 'mailroom-hostile-')), 'outbox.jsonl')), { name: 'local' });
  return {
    name: `SQS send body (${channel})`,
    arbitrary: sendBodyArbitrary(channel),
    async run(input) {
      const body = bodyOf(input);
      const queue = new RecordingQueue();
      const metrics = new RecordingMetrics();
      const logger = new RecordingLogger();
      const handler = createSendHandler({
        logger,
        processor: createSendProcessor({
          validate: validatorFor(channel),
          config: {
            channel,
            defaultProvider: 'local',
            maxReceiveCount: 5,
            backoff: { baseSeconds: 1, maxSeconds: 1 },
            ignoreUnsupportedFeatures: false,
          },
          messages,
          suppressions: new SuppressionStore(env.clients.doc, env.resources.tables.suppressions),
          providers: providerLookup(
            channel === 'email' ? { email: [provider as LocalEmailProvider] } : { sms: [provider as LocalSmsProvider] },
          ),
          queue,
          limiters: new RateLimiters({ ratePerSecond: 1000 }),
          logger,
          metrics,
        }),
      });
      const event: SQSEvent = { Records: [sqsRecord(body)] };
      const response = await handler(event, lambdaContext(`send-${channel}`, 'us-east-1', 60_000));
      const id = idOfInvalidBody(body);
      return { body, response, record: await messages.get(id), queue, logger };
    },
    classify(input, seen): Evidence {
      const failures = seen.response.batchItemFailures ?? [];
      const errors = seen.logger.lines.filter((l) => l.level === 'error');
      if (failures.length || errors.length) return { stored: [], deadLettered: [], refused: [], unclassified: errors[0] ?? failures };
      const record = seen.record;
      if (!record) return { stored: [], deadLettered: [], refused: [], unclassified: new Error('no record and no DLQ entry for the body') };
      if (record.status === 'failed') {
        const dead = seen.queue.deadLettered.filter((m) => m.body === seen.body);
        const reasons = dead.map((m) => ({ reason: m.attributes[QUEUE_ATTRS.errorCode]?.StringValue }));
        if (reasons.some((r) => r.reason !== record.error?.code))
          return {
            stored: [],
            deadLettered: [],
            refused: [],
            unclassified: new Error(`DLQ reason differs from the record's ${record.error?.code}`),
          };
        return { stored: [], deadLettered: reasons, refused: [] };
      }
      if (record.status !== 'sent' && record.status !== 'cancelled')
        return { stored: [], deadLettered: [], refused: [], unclassified: new Error(`record left ${record.status}`) };
      assertNotRewritten(input, record);
      return { stored: [record.id], deadLettered: [], refused: [] };
    },
  };
}

/** A sent record holds what the producer sent: every metadata key and value, every tag, every recipient. */
function assertNotRewritten(
  input: SendInput,
  record: { metadata?: unknown; tags?: readonly string[]; recipients: Record<string, unknown> },
): void {
  if (!('json' in input)) throw new Error('a raw body cannot have been sent');
  const sent = input.json;
  // An empty object or list and an absent one say the same.
  const same = (a: unknown, b: unknown) =>
    JSON.stringify(sortKeys(emptyAsAbsent(a)) ?? null) === JSON.stringify(sortKeys(emptyAsAbsent(b)) ?? null);
  const metadata = sent['metadata'];
  if (!same(record.metadata, metadata))
    throw new Error(`metadata rewritten: sent ${JSON.stringify(metadata)}, stored ${JSON.stringify(record.metadata)}`);
  const tags = sent['tags'];
  if (!same(record.tags, tags)) throw new Error(`tags rewritten: sent ${JSON.stringify(tags)}, stored ${JSON.stringify(record.tags)}`);
  const to = [sent['to']]
    .flat()
    .map((r) => recipientKey(typeof r === 'string' ? (/<([^<>]*)>\s*$/.exec(r)?.[1] ?? r) : (r as { address: string }).address));
  if (!same(Object.keys(record.recipients).sort(), [...new Set(to)].sort()))
    throw new Error(`recipients rewritten: sent ${JSON.stringify(to)}, stored ${JSON.stringify(Object.keys(record.recipients))}`);
}

function emptyAsAbsent(value: unknown): unknown {
  return typeof value === 'object' && value !== null && Object.keys(value).length === 0 ? undefined : value;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  const out = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
  return out;
}
