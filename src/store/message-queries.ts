/**
 * The read side of the messages table that goes through its indexes (docs/contract.md §5):
 * by provider message id, and by recipient newest first. Both resolve to message items, the
 * authority on a message's state; index items only point at them.
 */

import { recipientKey } from '../contract/recipient-key.js';
import { MailroomError } from '../errors.js';
import { batchGetAll } from './batch-get.js';
import { type DynamoDBDocumentClient, QueryCommand } from './document.js';
import { MESSAGE_ATTRS as A, fromItem, messageKey, type RecipientPage } from './message-record.js';

export class InvalidCursorError extends MailroomError {}

export interface ListByRecipientOptions {
  /** Page size, 1-100. @default 25 */
  readonly limit?: number;
  /** ISO-8601: only messages created before this instant. */
  readonly before?: string;
  /** The `cursor` of the previous page. */
  readonly cursor?: string;
}

/**
 * The id of the message a provider id belongs to: the message item carries the provider's id
 * for a single send, the recipient index item carries each recipient's id of a bulk send.
 * The index is eventually consistent: a lookup right after the send may not find it yet.
 */
export async function findIdByProviderMessageId(
  doc: DynamoDBDocumentClient,
  table: string,
  providerMessageId: string,
): Promise<string | undefined> {
  const out = await doc.send(
    new QueryCommand({
      TableName: table,
      IndexName: 'byProviderMessageId',
      KeyConditionExpression: '#pmid = :pmid',
      ExpressionAttributeNames: { '#pmid': A.providerMessageId },
      ExpressionAttributeValues: { ':pmid': providerMessageId },
      Limit: 1,
    }),
  );
  const hit = out.Items?.[0];
  return hit ? String(hit[A.id]) : undefined;
}

export async function listByRecipient(
  doc: DynamoDBDocumentClient,
  table: string,
  recipient: string,
  opts: ListByRecipientOptions = {},
): Promise<RecipientPage> {
  const limit = Math.min(Math.max(opts.limit ?? 25, 1), 100);
  const out = await doc.send(
    new QueryCommand({
      TableName: table,
      IndexName: 'byRecipient',
      KeyConditionExpression: opts.before ? '#r = :r AND #c < :before' : '#r = :r',
      ExpressionAttributeNames: { '#r': A.recipient, ...(opts.before ? { '#c': A.createdAt } : {}) },
      ExpressionAttributeValues: { ':r': recipientKey(recipient), ...(opts.before ? { ':before': opts.before } : {}) },
      ScanIndexForward: false,
      Limit: limit,
      ExclusiveStartKey: opts.cursor ? decodeCursor(opts.cursor) : undefined,
    }),
  );
  const ids = [...new Set((out.Items ?? []).map((i) => String(i[A.id])))];
  const found = new Map((await batchGetAll(doc, table, ids.map(messageKey))).map((i) => [String(i[A.id]), fromItem(i)]));
  const items = ids.flatMap((id) => (found.has(id) ? [found.get(id)!] : []));
  return out.LastEvaluatedKey ? { items, cursor: encodeCursor(out.LastEvaluatedKey) } : { items };
}

function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

function decodeCursor(cursor: string): Record<string, unknown> {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (key && typeof key === 'object' && !Array.isArray(key)) return key as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new InvalidCursorError(`not a listByRecipient cursor: ${cursor.slice(0, 40)}`);
}
