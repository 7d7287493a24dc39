/**
 * The two ways an SNS message reaches Mailroom, reduced to one verified envelope:
 *
 * - `acceptSnsHttpBody`: an HTTPS POST (the tracking function URL that cross-account topics
 *   subscribe to, the inbound HTTPS path, and `mailroom replay`). Notifications come back for
 *   the caller to process; confirmations are handled here.
 * - `acceptSnsLambdaRecord`: one record of a Lambda SNS event (topic → Lambda subscription).
 *
 * Refusals are logged and counted here (once), then thrown as `SnsVerificationError`. The
 * handler catches it and must not let it be retried:
 * - Lambda SNS subscription: skip the record and return success. A thrown error is a function
 *   error: Lambda's async queue runs the event twice more, then sends it to the failure
 *   destination / DLQ, where a message that can never pass would pose as a real failure.
 *   (SNS itself retries a Lambda subscription only when Lambda is unavailable or throttles.)
 *   https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
 * - Function URL: answer 4xx via `snsHttpErrorResponse`.
 * `SnsCertificateUnavailableError` and `SnsConfirmationError` are transient: let them fail the
 * invocation / answer 503 so SNS redelivers within its bounded retry policy.
 *
 * Replay (`mailroom replay`): build the verifier with `maxAgeSeconds: Infinity` (every other
 * check applies; saved bodies are old by nature) or, with `--skip-signature-check`, with
 * `skipSignatureCheck: true` (shape only).
 */
import type { SNSEventRecord } from 'aws-lambda';
import { controlOutcome, type SubscriptionControlDeps, type SubscriptionControlResult } from './confirm.js';
import { envelopeFromLambdaRecord, parseSnsEnvelope, type SnsControlEnvelope, type SnsEnvelope, type SnsNotification } from './envelope.js';
import { SnsEnvelopeError, SnsVerificationError } from './errors.js';
import { reportRefusal } from './refusals.js';
import { LAMBDA_MAX_AGE_SECONDS } from './verify.js';

export type SnsIngestDeps = SubscriptionControlDeps;

export type SnsHttpOutcome =
  | { readonly kind: 'notification'; readonly envelope: SnsNotification }
  | { readonly kind: 'control'; readonly envelope: SnsControlEnvelope; readonly result: SubscriptionControlResult };

export type HttpHeaders = Readonly<Record<string, string | undefined>>;

/**
 * Verifies an SNS HTTP(S) POST body. Notifications are returned verified; confirmations are
 * confirmed or logged (result 'confirmed' | 'logged'). Every refusal is thrown.
 */
export async function acceptSnsHttpBody(body: string, headers: HttpHeaders | undefined, deps: SnsIngestDeps): Promise<SnsHttpOutcome> {
  const envelope = parseOrRefuse(body, deps);
  checkHeaders(envelope, headers ?? {}, deps);
  if (envelope.Type === 'Notification') {
    await verifyOrRefuse(envelope, deps);
    return { kind: 'notification', envelope };
  }
  const { result, refusal } = await controlOutcome(envelope, deps);
  if (refusal) throw refusal;
  return { kind: 'control', envelope, result };
}

/**
 * Verifies one record of a Lambda SNS event. Only notifications arrive this way (SNS confirms
 * Lambda subscriptions itself); the age limit is raised to `LAMBDA_MAX_AGE_SECONDS` because SNS
 * retries Lambda for days.
 */
export async function acceptSnsLambdaRecord(record: SNSEventRecord, deps: SnsIngestDeps): Promise<SnsNotification> {
  const envelope = parseOrRefuse(record, deps, envelopeFromLambdaRecord);
  if (envelope.Type !== 'Notification') {
    const error = new SnsVerificationError('malformed', `a Lambda SNS record carries a ${envelope.Type}, expected a Notification`, {
      messageId: envelope.MessageId,
      topicArn: envelope.TopicArn,
    });
    reportRefusal(error, envelope, deps);
    throw error;
  }
  await verifyOrRefuse(envelope, deps, { maxAgeSeconds: Math.max(deps.verifier.maxAgeSeconds, LAMBDA_MAX_AGE_SECONDS) });
  return envelope;
}

function parseOrRefuse<T>(input: T, deps: SnsIngestDeps, parse: (input: T) => SnsEnvelope = parseSnsEnvelope): SnsEnvelope {
  try {
    return parse(input);
  } catch (cause) {
    if (!(cause instanceof SnsEnvelopeError)) throw cause;
    const error = new SnsVerificationError('malformed', cause.message, { cause });
    reportRefusal(error, undefined, deps);
    throw error;
  }
}

async function verifyOrRefuse(envelope: SnsEnvelope, deps: SnsIngestDeps, options: { maxAgeSeconds?: number } = {}): Promise<void> {
  try {
    await deps.verifier.verify(envelope, options);
  } catch (error) {
    if (error instanceof SnsVerificationError) reportRefusal(error, envelope, deps);
    throw error;
  }
}

// SNS repeats the type, id and topic in x-amz-sns-* headers. They are not signed, so they add
// no authenticity; a mismatch means the body was not delivered by SNS as-is, and is refused.
// https://docs.aws.amazon.com/sns/latest/dg/http-header.html
const HEADER_FIELDS = [
  ['x-amz-sns-message-type', 'Type'],
  ['x-amz-sns-message-id', 'MessageId'],
  ['x-amz-sns-topic-arn', 'TopicArn'],
] as const;

function checkHeaders(envelope: SnsEnvelope, headers: HttpHeaders, deps: SnsIngestDeps): void {
  const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  for (const [header, field] of HEADER_FIELDS) {
    const value = lower.get(header);
    if (value !== undefined && value !== envelope[field]) {
      const error = new SnsVerificationError('malformed', `header ${header} (${value.slice(0, 200)}) does not match the body's ${field}`, {
        messageId: envelope.MessageId,
        topicArn: envelope.TopicArn,
      });
      reportRefusal(error, envelope, deps);
      throw error;
    }
  }
}
