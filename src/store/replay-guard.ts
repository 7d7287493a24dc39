/**
 * The deployed webhook replay guard (src/providers/webhooks/types.ts ReplayGuard): one item per
 * delivery token (`mailgun:<token>`, `resend:<svix-id>`, `sendgrid:<signature hash>`), shared by
 * every Lambda instance, unlike the in-memory guard.
 *
 * Item: { <keyAttribute>: key, <ttlAttribute>: expiry in Unix seconds } — the table's TTL
 * attribute, so DynamoDB deletes spent tokens on its own. TTL deletion is lazy (it can lag by
 * days), so the condition also accepts an item whose expiry has passed: an expired token is not
 * "seen", whether or not DynamoDB has removed it yet.
 *
 * The conditional put is what protects against a replay: two concurrent deliveries of the same
 * token both try to create the item and exactly one succeeds; the other gets
 * ConditionalCheckFailedException and is refused as a replay.
 */

import { StorageError } from '../errors.js';
import { type DynamoDBDocumentClient, PutCommand } from './document.js';

export interface DynamoReplayGuardOptions {
  readonly tableName: string;
  /** Partition key attribute; default `key`. */
  readonly keyAttribute?: string;
  /** The table's TTL attribute (Unix seconds); default `expiresAt`. */
  readonly ttlAttribute?: string;
  readonly clock?: () => number;
}

export class DynamoReplayGuard {
  private readonly keyAttribute: string;
  private readonly ttlAttribute: string;
  private readonly clock: () => number;

  constructor(
    private readonly client: Pick<DynamoDBDocumentClient, 'send'>,
    private readonly options: DynamoReplayGuardOptions,
  ) {
    this.keyAttribute = options.keyAttribute ?? 'key';
    this.ttlAttribute = options.ttlAttribute ?? 'expiresAt';
    this.clock = options.clock ?? Date.now;
  }

  async seen(key: string, ttlSeconds: number): Promise<boolean> {
    const nowSeconds = Math.floor(this.clock() / 1000);
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.options.tableName,
          Item: { [this.keyAttribute]: key, [this.ttlAttribute]: nowSeconds + Math.ceil(ttlSeconds) },
          ConditionExpression: 'attribute_not_exists(#k) OR #t < :now',
          ExpressionAttributeNames: { '#k': this.keyAttribute, '#t': this.ttlAttribute },
          ExpressionAttributeValues: { ':now': nowSeconds },
        }),
      );
      return false;
    } catch (error) {
      if ((error as { name?: unknown } | null)?.name === 'ConditionalCheckFailedException') return true;
      throw new StorageError('replay guard put', { table: this.options.tableName }, { cause: error });
    }
  }
}
