/**
 * SES Subscription events (list management: a recipient used the one-click unsubscribe header
 * or the subscription preferences page). Anymail reports these as `unknown`; the new topic
 * preferences say exactly what happened, so we report `unsubscribed` or `subscribed`.
 * https://docs.aws.amazon.com/ses/latest/dg/event-publishing-retrieving-sns-contents.html
 * (Subscription object) and https://docs.aws.amazon.com/ses/latest/dg/sending-email-list-management.html
 *
 * Only unsubscribing from everything (`unsubscribeAll`) carries `rejectReason: unsubscribed`:
 * it means further mail to the address is unwanted, and it is what the suppression step
 * acts on. Opting out of one topic is reported (`unsubscribed`, with the topics in
 * `description`) but does not refuse the address everything else, such as receipts.
 */
import type { NormalizedEvent } from '../../contract/records.js';
import type { SesSubscription } from './ses-schema.js';

type Change = Pick<NormalizedEvent, 'eventType' | 'rejectReason' | 'description'>;

// The event example spells statuses "OptOut"/"OptIn", the SES v2 API "OPT_OUT"/"OPT_IN".
const status = (value: string): 'out' | 'in' | undefined => {
  const s = value.replace(/[_\s-]/g, '').toLowerCase();
  return s === 'optout' ? 'out' : s === 'optin' ? 'in' : undefined;
};

export function subscriptionChange(s: SesSubscription): Change | undefined {
  const prefs = s.newTopicPreferences;
  if (!prefs) return undefined;
  const via = s.source ? ` via ${s.source}` : '';
  const list = s.contactList ? ` of contact list ${s.contactList}` : '';
  if (prefs.unsubscribeAll === true) {
    return { eventType: 'unsubscribed', rejectReason: 'unsubscribed', description: `unsubscribed from all topics${list}${via}` };
  }
  const out = prefs.topicSubscriptionStatus.filter((t) => status(t.subscriptionStatus) === 'out').map((t) => t.topicName);
  const inn = prefs.topicSubscriptionStatus.filter((t) => status(t.subscriptionStatus) === 'in').map((t) => t.topicName);
  if (out.length) return { eventType: 'unsubscribed', description: `opted out of ${out.join(', ')}${list}${via}` };
  if (inn.length) return { eventType: 'subscribed', description: `opted in to ${inn.join(', ')}${list}${via}` };
  if (prefs.unsubscribeAll === false && s.oldTopicPreferences?.unsubscribeAll === true) {
    return { eventType: 'subscribed', description: `resubscribed to all topics${list}${via}` };
  }
  return undefined;
}
