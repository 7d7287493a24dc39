/**
 * The suppressions table (src/store/tables.ts): one item per address (lower-cased), read
 * before every send. The tracking pipeline adds addresses on hard bounces, complaints and
 * unsubscribes (as configured by MAILROOM_SUPPRESS_ON); operators add and remove them by hand.
 *
 * Item: { address, reason (the first), reasons (every reason seen), firstSuppressedAt,
 *         lastSuppressedAt, count, sourceEventIds (events that suppressed it) }
 */

import type { SuppressionReason } from '../contract/config-fields.js';
import { recipientKey } from '../contract/recipient-key.js';
import { batchGetAll } from './batch-get.js';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, UpdateCommand } from './document.js';
import { isConditionalCheckFailed } from './errors.js';

/** Why an address is suppressed: a tracking reason, or an operator's decision. */
export type SuppressionListReason = SuppressionReason | 'manual';

export const SUPPRESSION_ATTRS = {
  address: 'address',
  reason: 'reason',
  reasons: 'reasons',
  firstSuppressedAt: 'firstSuppressedAt',
  lastSuppressedAt: 'lastSuppressedAt',
  count: 'count',
  sourceEventIds: 'sourceEventIds',
} as const;
const S = SUPPRESSION_ATTRS;

export interface SuppressionEntry {
  readonly address: string;
  /** The reason the address was first suppressed. */
  readonly reason: SuppressionListReason;
  readonly reasons: readonly SuppressionListReason[];
  readonly firstSuppressedAt: string;
  readonly lastSuppressedAt: string;
  /** How many distinct suppressing events (or manual adds) were recorded. */
  readonly count: number;
  readonly sourceEventIds?: readonly string[];
}

export interface AddSuppression {
  readonly address: string;
  readonly reason: SuppressionListReason;
  /** The tracking event that caused it; the same event applied twice counts once. */
  readonly sourceEventId?: string;
  /** When it happened (ISO-8601). */
  readonly at: string;
}

function fromItem(item: Record<string, unknown>): SuppressionEntry {
  const setToList = (v: unknown) => (v instanceof Set ? [...v] : Array.isArray(v) ? v : []) as string[];
  return {
    address: String(item[S.address]),
    reason: item[S.reason] as SuppressionListReason,
    reasons: setToList(item[S.reasons]).sort() as SuppressionListReason[],
    firstSuppressedAt: String(item[S.firstSuppressedAt]),
    lastSuppressedAt: String(item[S.lastSuppressedAt]),
    count: Number(item[S.count] ?? 0),
    ...(item[S.sourceEventIds] ? { sourceEventIds: setToList(item[S.sourceEventIds]).sort() } : {}),
  };
}

/** The send pipeline only needs the lookup; tests hand in a memory version. */
export interface SuppressionLookup {
  filterSuppressed(addresses: readonly string[]): Promise<Map<string, SuppressionEntry>>;
}

export class SuppressionStore implements SuppressionLookup {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** The suppressed subset of `addresses`, keyed by lower-cased address. */
  async filterSuppressed(addresses: readonly string[]): Promise<Map<string, SuppressionEntry>> {
    const keys = [...new Set(addresses.map(recipientKey))].map((address) => ({ [S.address]: address }));
    const items = await batchGetAll(this.doc, this.tableName, keys);
    return new Map(items.map((item) => [String(item[S.address]), fromItem(item)]));
  }

  async get(address: string): Promise<SuppressionEntry | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { [S.address]: recipientKey(address) }, ConsistentRead: true }),
    );
    return out.Item ? fromItem(out.Item) : undefined;
  }

  /**
   * Adds (or re-confirms) a suppression. Idempotent per `sourceEventId`: SNS delivers at least
   * once and `mailroom replay` re-feeds old events, so the same event must not count twice.
   * The first reason and first time are kept; later ones add to `reasons` and `count`.
   * Returns false when this event had already been recorded.
   */
  async add(input: AddSuppression): Promise<boolean> {
    const names: Record<string, string> = {
      '#reason': S.reason,
      '#reasons': S.reasons,
      '#first': S.firstSuppressedAt,
      '#last': S.lastSuppressedAt,
      '#count': S.count,
      '#events': S.sourceEventIds,
    };
    const values: Record<string, unknown> = {
      ':reason': input.reason,
      ':reasons': new Set([input.reason]),
      ':at': input.at,
      ':one': 1,
    };
    let update =
      'SET #reason = if_not_exists(#reason, :reason), #first = if_not_exists(#first, :at), #last = :at ADD #reasons :reasons, #count :one';
    let condition: string | undefined;
    if (input.sourceEventId) {
      values[':event'] = input.sourceEventId;
      values[':events'] = new Set([input.sourceEventId]);
      update += ', #events :events';
      // The same suppressing event applied twice (SNS redelivery, replay) must not count twice.
      condition = 'NOT contains(#events, :event)';
    }
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [S.address]: recipientKey(input.address) },
          UpdateExpression: update,
          ...(condition ? { ConditionExpression: condition } : {}),
          ExpressionAttributeNames: input.sourceEventId ? names : withoutKey(names, '#events'),
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  /** Removes the address from the list (an operator lifting a suppression). Returns whether it was there. */
  async remove(address: string): Promise<boolean> {
    const out = await this.doc.send(
      new DeleteCommand({ TableName: this.tableName, Key: { [S.address]: recipientKey(address) }, ReturnValues: 'ALL_OLD' }),
    );
    return out.Attributes !== undefined;
  }
}

function withoutKey(obj: Record<string, string>, key: string): Record<string, string> {
  const { [key]: _omit, ...rest } = obj;
  return rest;
}
