/**
 * Which events put an address on the suppression list (the send pipeline then skips it, and
 * cancels a message whose every recipient is suppressed). Each reason can be turned off with
 * MAILROOM_SUPPRESS_ON (default: all three).
 *
 * - hardBounce   `bounced` with bounceType `permanent` (SES: the address does not exist, or is
 *                already on SES's suppression list). Transient and undetermined bounces are
 *                not suppressed: SES says a later send may succeed.
 * - complaint    `complained` with rejectReason `spam` (a `not-spam` feedback report is not).
 * - unsubscribe  `unsubscribed` with rejectReason `unsubscribed` (SES list management
 *                "unsubscribe from all"; opting out of one topic is not), and an SMS that
 *                failed because the number opted out at SNS.
 */
import type { SuppressionReason } from '../config/runtime.js';
import type { NormalizedEvent } from '../contract/records.js';

export function suppressionReasonFor(event: NormalizedEvent): SuppressionReason | undefined {
  if (!event.recipient) return undefined;
  switch (event.eventType) {
    case 'bounced':
      return event.bounceType === 'permanent' ? 'hardBounce' : undefined;
    case 'complained':
      return event.rejectReason === 'spam' ? 'complaint' : undefined;
    case 'unsubscribed':
      return event.rejectReason === 'unsubscribed' ? 'unsubscribe' : undefined;
    case 'failed':
      return event.channel === 'sms' && event.rejectReason === 'unsubscribed' ? 'unsubscribe' : undefined;
    default:
      return undefined;
  }
}
