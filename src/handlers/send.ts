/**
 * Send handler factory; the Lambda entry points are lambdas/send/email.ts and sms.ts, which
 * compose it with the Powertools middlewares (logger context, metrics flush), and the local
 * pipeline runs it behind its SQS poller. One function per
 * channel, fed by that channel's SQS queue with ReportBatchItemFailures
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html#services-sqs-batchfailurereporting).
 * Thin: each record goes to the send pipeline (src/send/process.ts); a record that must come
 * back later (backoff, schedule, another delivery in flight) is reported as a batch item
 * failure after the pipeline has set its visibility timeout; every other record is
 * acknowledged, and the event source deletes it.
 *
 * A batch whose records all stay on the queue is not an error (a batch of scheduled
 * messages is normal), so the handler returns the failures instead of throwing.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { describeError, MailroomError } from '../errors.js';
import { keepsMessage, type LoggerPort, type RecordOutcome, type SendProcessor } from '../send/types.js';
import { coldStart } from './cold-start.js';

export interface SendHandlerDeps {
  readonly processor: SendProcessor;
  readonly logger: LoggerPort;
}

/** Marks a record the pipeline deliberately left on the queue (not an error). */
export class KeptOnQueue extends MailroomError {
  constructor(readonly outcome: RecordOutcome) {
    super(`message ${outcome.id} stays on the queue (${outcome.kind})`);
  }
}

/**
 * `deps` or an (async) factory of them, built once (./cold-start.ts) and awaited by every
 * invocation. Metrics are not flushed here: that is the entry's `logMetrics` middleware.
 */
export function createSendHandler(deps: SendHandlerDeps | (() => SendHandlerDeps | Promise<SendHandlerDeps>)) {
  const resolve = coldStart(typeof deps === 'function' ? deps : () => deps);
  return async function handler(event: SQSEvent, context?: Context): Promise<SQSBatchResponse> {
    const { processor, logger } = await resolve();
    const deadline = context ? Date.now() + context.getRemainingTimeInMillis() : undefined;
    const recordHandler = async (record: SQSRecord): Promise<RecordOutcome> => {
      let outcome: RecordOutcome;
      try {
        outcome = await processor.processRecord(record, { deadline });
      } catch (error) {
        // Storage or queue trouble: the message comes back after the queue's visibility
        // timeout and SQS's redrive policy is the backstop.
        logger.error('record failed unexpectedly; it will be redelivered', { sqsMessageId: record.messageId, error: describeError(error) });
        throw error;
      }
      if (keepsMessage(outcome)) throw new KeptOnQueue(outcome);
      return outcome;
    };
    // A new BatchProcessor per invocation: it keeps per-batch state, and the local poller may
    // run several invocations of this handler at once.
    const batch = new BatchProcessor(EventType.SQS);
    return processPartialResponse(event, recordHandler, batch, { context, throwOnFullBatchFailure: false });
  };
}
