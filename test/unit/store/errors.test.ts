import {
  ConditionalCheckFailedException,
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { StorageError } from '../../../src/errors.js';
import {
  ConditionalCheckFailedError,
  ItemTooLargeError,
  isConditionalCheckFailed,
  isTransactionConflict,
  StoreError,
  StoreThrottledError,
  StoreUnavailableError,
  toStoreError,
} from '../../../src/store/errors.js';

const meta = { $metadata: {} };
const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({ ...meta, message: 'Transaction cancelled', CancellationReasons: codes.map((Code) => ({ Code })) });
const named = (name: string, message = name) => Object.assign(new Error(message), { name });

describe('isConditionalCheckFailed', () => {
  it('is true for the SDK exception, a plain error of that name, and a transaction whose conditional item failed', () => {
    expect(isConditionalCheckFailed(new ConditionalCheckFailedException({ ...meta, message: 'The conditional request failed' }))).toBe(
      true,
    );
    expect(isConditionalCheckFailed(named('ConditionalCheckFailedException'))).toBe(true);
    expect(isConditionalCheckFailed(cancelled('ConditionalCheckFailed', 'None'))).toBe(true);
    expect(isConditionalCheckFailed(cancelled('None', 'ConditionalCheckFailed'), 1)).toBe(true);
  });

  it('is false for another cancellation reason, another item, other errors and non-errors', () => {
    expect(isConditionalCheckFailed(cancelled('TransactionConflict', 'None'))).toBe(false);
    expect(isConditionalCheckFailed(cancelled('None', 'ConditionalCheckFailed'))).toBe(false);
    expect(isConditionalCheckFailed(named('ValidationException'))).toBe(false);
    expect(isConditionalCheckFailed(undefined)).toBe(false);
    expect(isConditionalCheckFailed('ConditionalCheckFailedException')).toBe(false);
  });
});

describe('isTransactionConflict', () => {
  it('is true only when a transaction was cancelled by a conflicting one', () => {
    expect(isTransactionConflict(cancelled('None', 'TransactionConflict'))).toBe(true);
    expect(isTransactionConflict(cancelled('ConditionalCheckFailed'))).toBe(false);
    expect(isTransactionConflict(named('TransactionConflictException'))).toBe(false);
  });
});

describe('toStoreError', () => {
  it.each([
    [
      'a failed condition',
      new ConditionalCheckFailedException({ ...meta, message: 'The conditional request failed' }),
      ConditionalCheckFailedError,
      false,
    ],
    [
      'provisioned throughput exceeded',
      new ProvisionedThroughputExceededException({ ...meta, message: 'slow down' }),
      StoreThrottledError,
      true,
    ],
    ['request throttling', named('ThrottlingException'), StoreThrottledError, true],
    ['S3 SlowDown', named('SlowDown'), StoreThrottledError, true],
    ['a transaction cancelled by throttling', cancelled('None', 'ThrottlingError'), StoreThrottledError, true],
    ['an item over 400 KB', named('ValidationException', 'Item size has exceeded the maximum allowed size'), ItemTooLargeError, false],
    ['an S3 object too large', named('EntityTooLarge'), ItemTooLargeError, false],
    ['another validation error', named('ValidationException', 'One or more parameter values were invalid'), StoreUnavailableError, true],
    ['a network error', named('TimeoutError', 'socket hang up'), StoreUnavailableError, true],
    ['a thrown string', 'boom', StoreUnavailableError, true],
  ] as const)('reads %s as %s', (_case, cause, type, retryable) => {
    const error = toStoreError('PutItem event', { table: 'events', eventId: 'e1' }, cause);
    expect(error).toBeInstanceOf(type);
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toBeInstanceOf(StorageError);
    expect(error.retryable).toBe(retryable);
    expect(error.cause).toBe(cause);
    expect(error.message).toMatch(/^PutItem event failed \(table=events eventId=e1\)/);
  });

  it('passes a StoreError through unchanged (a store method wrapping a helper that already translated)', () => {
    const inner = new StoreThrottledError('BatchWrite', { table: 't' }, { cause: undefined });
    expect(toStoreError('PutItem', {}, inner)).toBe(inner);
  });
});
