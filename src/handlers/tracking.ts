/**
 * Tracking handler factory. Two event sources, one domain path, two Lambda entry points:
 * - the SES events topic (SNS → Lambda subscription): `Records[].Sns`, lambdas/tracking/handler.ts;
 * - optionally a function URL that SNS topics in other accounts, or SES identity feedback
 *   topics, deliver to over HTTPS (CDK `tracking.httpsEndpoint`), lambdas/tracking/https.ts,
 *   which also routes SES receipt notifications to the inbound pipeline (./receipt-router.ts).
 * Thin: accept and verify the SNS message (src/tracking/sns), hand the notification to
 * `ingestNotification`, count the outcome.
 *
 * Retries:
 * - Refused SNS messages (forged, tampered, stale, topic not on the allowlist, not SNS at all)
 *   are logged and counted once (`SnsRefused`, by src/tracking/sns) and never retried: the
 *   Lambda path skips the record and succeeds; the URL answers 403 (400 when malformed).
 * - Storage failures (DynamoDB, S3) and an unreachable signing certificate are transient: the
 *   Lambda path throws after the other records are done, so Lambda retries the invocation
 *   (and then its DLQ); the URL answers 5xx, so SNS redelivers. Either way the replay is
 *   harmless: events dedupe on their deterministic id (src/tracking/ingest.ts).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult, SNSEvent } from 'aws-lambda';
import type { IngestDeps } from '../tracking/deps.js';
import { ingestNotification } from '../tracking/ingest.js';
import {
  acceptSnsHttpBody,
  acceptSnsLambdaRecord,
  type SnsIngestDeps,
  type SnsNotification,
  SnsVerificationError,
  snsHttpErrorResponse,
  snsHttpResponse,
} from '../tracking/sns/index.js';
import { coldStart } from './cold-start.js';
import { countOutcome, TRACKING_METRICS, type TrackingMetrics } from './tracking-metrics.js';

export interface TrackingHandlerDeps {
  /** Verifier (topic allowlist), SNS clients for confirmations, logger and metrics for refusals. */
  readonly sns: SnsIngestDeps;
  readonly ingest: IngestDeps;
  /**
   * Gets the first look at every verified notification and says whether it took it. The
   * HTTPS entry (./receipt-router.ts) routes SES receipt notifications to the inbound pipeline this
   * way; the SNS-subscription entry has none, so its bundle carries no MIME parser.
   */
  readonly route?: (message: unknown, context: NotificationContext) => Promise<boolean>;
  readonly logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  readonly metrics: TrackingMetrics;
}

export type TrackingEvent = SNSEvent | LambdaFunctionURLEvent;
export type UrlResult = Exclude<LambdaFunctionURLResult, string>;

export function createTrackingHandler(given: TrackingHandlerDeps | (() => TrackingHandlerDeps | Promise<TrackingHandlerDeps>)) {
  const resolve = coldStart(typeof given === 'function' ? given : () => given);
  async function handle(event: SNSEvent): Promise<void>;
  async function handle(event: LambdaFunctionURLEvent): Promise<UrlResult>;
  // biome-ignore lint/suspicious/noConfusingVoidType: the Lambda handler convention: an SNS invocation returns nothing, a URL one a response
  async function handle(event: TrackingEvent): Promise<void | UrlResult>;
  // biome-ignore lint/suspicious/noConfusingVoidType: as the overload above
  async function handle(event: TrackingEvent): Promise<void | UrlResult> {
    const deps = await resolve();
    if (isUrlEvent(event)) return handleHttps(event, deps);
    await handleSnsRecords(event, deps);
  }
  return handle;
}

async function handleSnsRecords(event: SNSEvent, deps: TrackingHandlerDeps): Promise<void> {
  const failures: unknown[] = [];
  // SNS delivers one record per invocation today; every record is still processed before a
  // failure is rethrown, so one bad record cannot hold the others back.
  for (const record of event.Records ?? []) {
    try {
      const envelope = await acceptSnsLambdaRecord(record, deps.sns);
      await processNotification(envelope, deps);
    } catch (error) {
      if (error instanceof SnsVerificationError) continue; // logged and counted by acceptSnsLambdaRecord
      failures.push(error);
    }
  }
  if (failures.length) {
    deps.metrics.addMetric(TRACKING_METRICS.failed, MetricUnit.Count, failures.length);
    deps.logger.error('tracking ingestion failed; the invocation will be retried', { error: failures[0], failures: failures.length });
    throw failures[0];
  }
}

async function handleHttps(event: LambdaFunctionURLEvent, deps: TrackingHandlerDeps): Promise<UrlResult> {
  const method = event.requestContext?.http?.method ?? 'POST';
  if (method !== 'POST')
    return { statusCode: 405, headers: { allow: 'POST', 'content-type': 'application/json' }, body: '{"status":"method_not_allowed"}' };
  const body = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');
  let outcome: Awaited<ReturnType<typeof acceptSnsHttpBody>>;
  try {
    outcome = await acceptSnsHttpBody(body, event.headers, deps.sns);
  } catch (error) {
    const response = snsHttpErrorResponse(error);
    if (response) return response;
    return failed(error, deps);
  }
  if (outcome.kind === 'notification') {
    try {
      await processNotification(outcome.envelope, deps);
    } catch (error) {
      // The route refused it (a topic not allowed for this kind of notification): 403, reported already.
      if (error instanceof SnsVerificationError) return snsHttpErrorResponse(error)!;
      return failed(error, deps);
    }
  }
  return snsHttpResponse(outcome);
}

export interface NotificationContext {
  readonly snsMessageId: string;
  readonly topicArn: string;
}

/** A verified Notification: to the router first (when there is one), the rest to tracking. */
async function processNotification(envelope: SnsNotification, deps: TrackingHandlerDeps): Promise<void> {
  const context: NotificationContext = { snsMessageId: envelope.MessageId, topicArn: envelope.TopicArn };
  if (deps.route && (await deps.route(parseJson(envelope.Message), context))) return;
  const outcome = await ingestNotification(envelope, deps.ingest);
  countOutcome(deps.metrics, outcome);
  if (outcome.ignored) deps.logger.info('SNS notification is not an event', { ...context, reason: outcome.ignored });
  if (outcome.unknown) {
    const unknown = outcome.events.find((e) => e.eventType === 'unknown');
    deps.logger.warn('stored an event the normalizer did not understand', {
      ...context,
      eventId: unknown?.eventId,
      description: unknown?.description,
    });
  }
  for (const s of outcome.suppressed) deps.logger.info('address suppressed', { ...context, address: s.address, reason: s.reason });
}

function failed(error: unknown, deps: TrackingHandlerDeps): UrlResult {
  deps.metrics.addMetric(TRACKING_METRICS.failed, MetricUnit.Count, 1);
  deps.logger.error('tracking ingestion failed; answering 500 so SNS redelivers', { error });
  return { statusCode: 500, headers: { 'content-type': 'application/json' }, body: '{"status":"error"}' };
}

function isUrlEvent(event: TrackingEvent): event is LambdaFunctionURLEvent {
  return !('Records' in event) && typeof (event as Partial<LambdaFunctionURLEvent>).requestContext === 'object';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
