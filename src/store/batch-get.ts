/**
 * BatchGetItem for one table, in chunks of 100 keys (the API limit), retrying
 * `UnprocessedKeys` with exponential backoff as the API reference asks
 * (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html):
 * a batch may come back partly served when the table is throttled or the response would pass
 * 16 MB. Gives up with BatchGetIncompleteError rather than returning a partial answer that a
 * caller could mistake for "not found" (for suppressions that would mean sending to a
 * suppressed address).
 */

import { MailroomError } from '../errors.js';
import { BatchGetCommand, type DynamoDBDocumentClient } from './document.js';

export const BATCH_GET_LIMIT = 100;

export class BatchGetIncompleteError extends MailroomError {
  constructor(
    readonly tableName: string,
    readonly unprocessed: number,
  ) {
    super(`BatchGetItem on ${tableName} left ${unprocessed} key(s) unprocessed after retries`);
  }
}

export interface BatchGetOptions {
  readonly consistentRead?: boolean;
  readonly projection?: { readonly expression: string; readonly names: Readonly<Record<string, string>> };
  /** Retry rounds for unprocessed keys. @default 6 */
  readonly maxRounds?: number;
  /** Backoff before retry round n is baseDelayMs * 2^n with full jitter. @default 25 */
  readonly baseDelayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function batchGetAll(
  doc: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly Record<string, unknown>[],
  opts: BatchGetOptions = {},
): Promise<Record<string, unknown>[]> {
  const { maxRounds = 6, baseDelayMs = 25, sleep = defaultSleep } = opts;
  const items: Record<string, unknown>[] = [];
  for (let start = 0; start < keys.length; start += BATCH_GET_LIMIT) {
    let pending: Record<string, unknown>[] = keys.slice(start, start + BATCH_GET_LIMIT);
    for (let round = 0; pending.length > 0; round++) {
      if (round > maxRounds) throw new BatchGetIncompleteError(tableName, pending.length);
      if (round > 0) await sleep(Math.random() * baseDelayMs * 2 ** round);
      const out = await doc.send(
        new BatchGetCommand({
          RequestItems: {
            [tableName]: {
              Keys: pending,
              ConsistentRead: opts.consistentRead,
              ...(opts.projection
                ? { ProjectionExpression: opts.projection.expression, ExpressionAttributeNames: { ...opts.projection.names } }
                : {}),
            },
          },
        }),
      );
      items.push(...((out.Responses?.[tableName] ?? []) as Record<string, unknown>[]));
      pending = (out.UnprocessedKeys?.[tableName]?.Keys ?? []) as Record<string, unknown>[];
    }
  }
  return items;
}
