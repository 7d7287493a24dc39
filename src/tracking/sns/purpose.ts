/**
 * One allowlist per purpose (issue 8, item 4). A topic trusted for delivery events (tracking) is
 * not thereby trusted to inject inbound mail, and a receipt topic is not a source of delivery
 * events: the HTTPS endpoint, which hears both, verifies every message against the union of
 * the two lists and then lets each notification through only on its own purpose's list.
 *
 * - tracking: `tracking.allowedTopicArns` (plus the stack's SES events topic)
 * - inbound: `inbound.allowedTopicArns` (plus the stack's receipt topic)
 */
import { SnsVerificationError } from './errors.js';

export interface TopicAllowlists {
  readonly tracking: readonly string[];
  readonly inbound: readonly string[];
}

export type NotificationPurpose = keyof TopicAllowlists;

/** Every topic either purpose accepts: what the verifier checks before any network access. */
export function allTopics(lists: TopicAllowlists): string[] {
  return [...new Set([...lists.tracking, ...lists.inbound])];
}

/**
 * Refuses (throws `SnsVerificationError('topic_not_allowed')`) a verified notification whose
 * topic is not on its purpose's list. The caller reports the refusal once, as for any other.
 */
export function checkPurpose(
  lists: TopicAllowlists,
  purpose: NotificationPurpose,
  context: { topicArn: string; snsMessageId: string },
): void {
  if (lists[purpose].includes(context.topicArn)) return;
  const what = purpose === 'inbound' ? 'SES receipt notifications' : 'tracking events';
  throw new SnsVerificationError(
    'topic_not_allowed',
    `topic is not allowed to deliver ${what} (${purpose}.allowedTopicArns) (message ${context.snsMessageId} from ${context.topicArn})`,
    { messageId: context.snsMessageId, topicArn: context.topicArn },
  );
}
