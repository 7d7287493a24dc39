/**
 * Function URL answers for SNS HTTPS deliveries. SNS retries a delivery on 5xx (and on no
 * answer) within the subscription's delivery policy, and does not on other codes, so:
 * - accepted / confirmed / logged → 200
 * - refused → 403 (400 for a body that is not an SNS envelope); never retried
 * - signing certificate or ConfirmSubscription temporarily unavailable → 503; SNS retries
 * The body names the outcome or refusal reason only: no detail for an unauthenticated caller.
 * https://docs.aws.amazon.com/sns/latest/dg/sns-message-delivery-retries.html
 */
import type { LambdaFunctionURLResult } from 'aws-lambda';
import { SnsCertificateUnavailableError, SnsConfirmationError, SnsVerificationError } from './errors.js';
import type { SnsHttpOutcome } from './ingest.js';

type Result = Exclude<LambdaFunctionURLResult, string>;

const json = (statusCode: number, body: Record<string, string>): Result => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** The answer once the handler has processed an accepted outcome. */
export function snsHttpResponse(outcome: SnsHttpOutcome): Result {
  return json(200, { status: outcome.kind === 'notification' ? 'accepted' : outcome.result });
}

/**
 * The answer for an error thrown while accepting an SNS body, or undefined when the error is
 * not one of this module's (the handler rethrows it, and the function URL answers 5xx).
 */
export function snsHttpErrorResponse(error: unknown): Result | undefined {
  if (error instanceof SnsVerificationError) {
    return json(error.reason === 'malformed' ? 400 : 403, { status: 'refused', reason: error.reason });
  }
  if (error instanceof SnsCertificateUnavailableError || error instanceof SnsConfirmationError) {
    return { ...json(503, { status: 'unavailable' }), headers: { 'content-type': 'application/json', 'retry-after': '30' } };
  }
  return undefined;
}
