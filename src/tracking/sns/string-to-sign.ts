/**
 * The string SNS signs, per
 * https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message-verify-message-signature.html
 *
 * Each key is followed by a newline, its value, and a newline, in this fixed (byte) order:
 * - Notification: Message, MessageId, Subject (only when present), Timestamp, TopicArn, Type
 * - SubscriptionConfirmation and UnsubscribeConfirmation: Message, MessageId, SubscribeURL,
 *   Timestamp, Token, TopicArn, Type
 *
 * Values are the decoded JSON strings (a `\n` escape in the body is a real newline here), and
 * are used verbatim: `Timestamp` is not re-formatted, `Message` is not re-serialized.
 */
import type { SnsEnvelope } from './envelope.js';

const NOTIFICATION_KEYS = ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'] as const;
const CONFIRMATION_KEYS = ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'] as const;

export function stringToSign(envelope: SnsEnvelope): string {
  const fields = envelope as unknown as Readonly<Record<string, string | undefined>>;
  const keys = envelope.Type === 'Notification' ? NOTIFICATION_KEYS : CONFIRMATION_KEYS;
  let out = '';
  for (const key of keys) {
    const value = fields[key];
    // Only Subject can be absent (the schema requires the others).
    if (value === undefined) continue;
    out += `${key}\n${value}\n`;
  }
  return out;
}
