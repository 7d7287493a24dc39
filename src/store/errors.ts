/**
 * Errors of every store (messages, events, inbound, suppressions), typed once. DynamoDB and S3
 * exceptions are translated here, at the store boundary, so no code outside src/store names an
 * SDK exception: callers see a `StoreError` saying what happened and whether retrying can help.
 *
 * Pipelines let a retryable one fail the invocation (Lambda or SNS delivers again; every write
 * is idempotent); a non-retryable one will fail the same way again.
 *
 * Exception names and transaction cancellation codes are those of the DynamoDB API reference:
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html
 */
import { MailroomError, StorageError } from '../errors.js';

export abstract class StoreError extends StorageError {}

/** A conditional write found the item in another state (the outcome conditional writes exist for). */
export class ConditionalCheckFailedError extends StoreError {
  override readonly retryable = false;
}

/** Throughput or request-rate limits; retrying later succeeds. */
export class StoreThrottledError extends StoreError {}

/** The item is over DynamoDB's 400 KB limit (or a transaction over 4 MB); it never fits. */
export class ItemTooLargeError extends StoreError {
  override readonly retryable = false;
}

/** The table or bucket could not be reached or failed internally; retrying later may succeed. */
export class StoreUnavailableError extends StoreError {}

/** A query the events store cannot serve as asked (bad time bound, unknown event type). */
export class InvalidEventQueryError extends MailroomError {
  readonly retryable = false;
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

const THROTTLED = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'SlowDown', // S3
  'ThrottlingError', // a transaction's cancellation reason
  'ProvisionedThroughputExceeded',
]);

/**
 * True when DynamoDB refused a write because its condition did not hold: a
 * ConditionalCheckFailedException, or a cancelled transaction whose item at `transactionItem`
 * (the one carrying the condition; 0 by default) failed its check. Any other cancellation
 * (a conflict, throttling) is not a condition failure.
 */
export function isConditionalCheckFailed(error: unknown, transactionItem = 0): boolean {
  if (error instanceof ConditionalCheckFailedError) return true;
  const name = nameOf(error);
  if (name === 'ConditionalCheckFailedException') return true;
  return name === 'TransactionCanceledException' && reasonsOf(error)[transactionItem] === 'ConditionalCheckFailed';
}

/** True when a transaction was cancelled because another one touched the same items. */
export function isTransactionConflict(error: unknown): boolean {
  return nameOf(error) === 'TransactionCanceledException' && reasonsOf(error).includes('TransactionConflict');
}

/** `cause`, a DynamoDB or S3 failure of `operation`, as the StoreError that says what it means. */
export function toStoreError(operation: string, context: Readonly<Record<string, string | undefined>>, cause: unknown): StoreError {
  if (cause instanceof StoreError) return cause;
  if (isConditionalCheckFailed(cause)) return new ConditionalCheckFailedError(operation, context, { cause });
  const name = nameOf(cause) ?? '';
  const reasons = reasonsOf(cause);
  if (THROTTLED.has(name) || reasons.some((r) => r !== undefined && THROTTLED.has(r)))
    return new StoreThrottledError(operation, context, { cause });
  if (isTooLarge(name, cause) || reasons.includes('ItemCollectionSizeLimitExceeded'))
    return new ItemTooLargeError(operation, context, { cause });
  return new StoreUnavailableError(operation, context, { cause });
}

// DynamoDB says "Item size has exceeded the maximum allowed size" (or "... to update has
// exceeded ...") in a ValidationException; S3 uses EntityTooLarge.
function isTooLarge(name: string, error: unknown): boolean {
  if (name === 'EntityTooLarge') return true;
  const message = error instanceof Error ? error.message : '';
  return name === 'ValidationException' && /size has exceeded|exceeds? the maximum (allowed )?size/i.test(message);
}

function nameOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && typeof (error as { name?: unknown }).name === 'string'
    ? (error as { name: string }).name
    : undefined;
}

function reasonsOf(error: unknown): (string | undefined)[] {
  const reasons = (error as { CancellationReasons?: { Code?: string }[] } | null)?.CancellationReasons;
  return Array.isArray(reasons) ? reasons.map((r) => r?.Code) : [];
}
