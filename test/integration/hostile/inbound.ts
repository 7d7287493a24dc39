/**
 * Entry points "SNS/S3 inbound notification" and "inbound MIME": the real inbound handler
 * (SNS verification with the operator's skip-signature vouching, as the local pipeline runs
 * it), the raw mail in s3rver where SES's S3 action puts it, the record in DynamoDB Local.
 * The notification is the documented S3-action receipt, made hostile (wrong types, hostile
 * keys, hostile recipients); the MIME has prototype-named and hostile headers, astral and
 * bidi text, NUL, bare CR/LF, and sizes at and just past the handler's size limit (scaled down
 * from SES's 40 MB so a run stays fast: the code path is the same).
 */

import type { SNSEvent } from 'aws-lambda';
import fc from 'fast-check';
import { createInboundHandler, INBOUND_METRICS } from '../../../src/handlers/inbound.js';
import { InboundStore } from '../../../src/store/inbound.js';
import { SnsVerifier } from '../../../src/tracking/sns/index.js';
import { aroundLimit, hostileJson, hostileKey, hostileText, PROTOTYPE_KEYS, sized, wrongType } from '../../support/hostile/arbitraries.js';
import type { Evidence } from '../../support/hostile/invariant.js';
import type { LocalEnv } from '../../support/local.js';
import { recordingLogger } from '../../support/sns/deps.js';
import { RECEIPT_TOPIC_ARN, RecordingMetrics, snsLambdaRecord } from '../../unit/inbound/support.js';
import { newMessageId, putRaw, s3Notification } from '../inbound/support.js';
import type { EntryPoint } from './entry-point.js';

/** The scaled stand-in for SES's 40 MB message limit. */
export const INBOUND_MAX_BYTES = 64 * 1024;

export interface InboundInput {
  readonly headers: readonly (readonly [string, string])[];
  readonly body: string;
  /** Pads the MIME to this many bytes (around INBOUND_MAX_BYTES), if set. */
  readonly padTo?: number;
  readonly recipients: readonly string[];
  readonly mutation?: { readonly path: readonly string[]; readonly value: unknown };
  /** Put the raw mail in S3 (false: the object the notification names is missing). */
  readonly stored: boolean;
}

const headerName = fc.oneof(
  fc.constantFrom(...PROTOTYPE_KEYS, 'Subject', 'From', 'To', 'Cc', 'Reply-To', 'Message-ID', 'Date', 'X-Metadata'),
  hostileKey.map((k) => k.replace(/[:\s]/g, '')).filter((k) => k.length > 0),
);
const headerValue = fc.oneof(
  hostileText(30),
  fc.constantFrom('"john smith"@example.com', 'john smith@example.com', '=?UTF-8?B?8J+YgA==?=', '=?x?Q?broken', '<a@b>, <c@d>, ,,'),
);

export const inboundArbitrary: fc.Arbitrary<InboundInput> = fc.record({
  headers: fc.array(fc.tuple(headerName, headerValue), { maxLength: 8 }),
  body: hostileText(80),
  padTo: fc.option(aroundLimit(INBOUND_MAX_BYTES), { nil: undefined, freq: 5 }),
  recipients: fc.array(
    fc.oneof(
      fc.constant('support@example.com'),
      hostileText(10).map((t) => `${t}@example.com`),
    ),
    { minLength: 1, maxLength: 3 },
  ),
  mutation: fc.option(
    fc.record({
      path: fc.constantFrom(
        ['notificationType'],
        ['receipt'],
        ['receipt', 'action'],
        ['receipt', 'spamVerdict'],
        ['mail', 'messageId'],
        ['mail', 'commonHeaders'],
        ['mail', 'destination'],
        ['receipt', 'timestamp'],
      ),
      value: fc.oneof(wrongType, hostileJson),
    }),
    { nil: undefined, freq: 3 },
  ),
  stored: fc.nat(9).map((n) => n !== 0),
});

function mime(input: InboundInput): Buffer {
  const lines = [...input.headers.map(([n, v]) => `${n}: ${v}`), 'Content-Type: text/plain; charset=utf-8', '', input.body, ''];
  let text = lines.join('\r\n');
  if (input.padTo !== undefined) {
    const missing = input.padTo - Buffer.byteLength(text);
    if (missing > 0) text += sized(missing);
  }
  return Buffer.from(text, 'utf8');
}

interface InboundSeen {
  readonly id: string;
  readonly threw?: unknown;
  readonly metrics: RecordingMetrics;
  readonly logged: number;
  readonly record?: Awaited<ReturnType<InboundStore['get']>>;
}

export function inboundEntryPoint(env: LocalEnv): EntryPoint<InboundInput, InboundSeen> {
  const store = new InboundStore(env.clients.doc, env.resources.tables.inbound);
  const bucket = env.resources.buckets.inbound;
  return {
    name: 'SNS/S3 inbound notification and MIME',
    arbitrary: inboundArbitrary,
    async run(input) {
      const id = newMessageId();
      const notification = s3Notification(bucket, { id, recipients: input.recipients }) as Record<string, unknown>;
      if (input.mutation) {
        let target = notification;
        for (const key of input.mutation.path.slice(0, -1)) target = (target[key] ??= {}) as Record<string, unknown>;
        Object.defineProperty(target, input.mutation.path.at(-1)!, {
          value: input.mutation.value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      if (input.stored) await putRaw(env.clients.s3, bucket, { id }, mime(input));
      const metrics = new RecordingMetrics();
      const logger = recordingLogger();
      const handler = createInboundHandler({
        sns: {
          verifier: new SnsVerifier({ allowedTopicArns: [RECEIPT_TOPIC_ARN], skipSignatureCheck: true }),
          logger,
          metrics: metrics as never,
          snsClientForRegion: () => env.clients.sns,
        },
        ingest: {
          s3: env.clients.s3,
          store,
          bucket,
          bodiesBucket: env.resources.buckets.payload,
          maxBytes: INBOUND_MAX_BYTES,
          publish: async () => undefined,
          clock: () => new Date(),
          logger,
        },
        logger,
        metrics: metrics as never,
      });
      let threw: unknown;
      try {
        await handler({ Records: [snsLambdaRecord(notification)] } as unknown as SNSEvent);
      } catch (error) {
        threw = error;
      }
      return { id, threw, metrics, logged: logger.entries.filter((e) => e.level !== 'info').length, record: await store.get(id) };
    },
    classify(input, seen): Evidence {
      const refusals = [INBOUND_METRICS.invalid, INBOUND_METRICS.ignored].filter((m) => (seen.metrics.counts[m] ?? 0) > 0);
      if (seen.threw !== undefined) return { stored: [], deadLettered: [], refused: [], unclassified: seen.threw };
      const stored = (seen.metrics.counts[INBOUND_METRICS.stored] ?? 0) > 0 ? [seen.id] : [];
      if (stored.length && !seen.record)
        return { stored: [], deadLettered: [], refused: [], unclassified: new Error('counted as stored, not in the table') };
      if (seen.record) {
        const expected = [...input.recipients];
        if (
          seen.record.id !== seen.id ||
          JSON.stringify([...seen.record.envelopeRecipients].sort()) !== JSON.stringify([...expected].sort())
        ) {
          if (!input.mutation)
            throw new Error(
              `envelope rewritten: sent ${JSON.stringify(expected)}, stored ${JSON.stringify(seen.record.envelopeRecipients)}`,
            );
        }
      }
      return { stored, deadLettered: [], refused: refusals.map((reason) => ({ logged: seen.logged > 0, counted: true, reason })) };
    },
  };
}
