/**
 * Postmark webhooks → §3 events. One POST is one JSON record about one recipient, told apart by
 * `RecordType`; bounces are further told apart by `Type` (the bounce types of the Bounce API).
 * https://postmarkapp.com/developer/webhooks/webhooks-overview and the per-type pages:
 * delivery-webhook, bounce-webhook, spam-complaint-webhook, open-tracking-webhook, click-webhook,
 * subscription-change-webhook; bounce types: https://postmarkapp.com/developer/api/bounce-api#bounce-types
 *
 * | RecordType (Type) | eventType | notes |
 * |---|---|---|
 * | Delivery | delivered | mtaResponse = Details |
 * | Bounce HardBounce, BadEmailAddress | bounced, permanent, bounced / invalid | suppressed |
 * | Bounce SoftBounce, Undeliverable | bounced, transient | Postmark gave up for now; not suppressed |
 * | Bounce Transient, DnsError, OpenRelayTest | deferred | Postmark keeps trying |
 * | Bounce AutoResponder, AddressChange, ChallengeVerification | autoresponded | |
 * | Bounce Blocked, DMARCPolicy, ManuallyDeactivated | rejected, blocked | |
 * | Bounce VirusNotification | bounced, undetermined, other | |
 * | Bounce SMTPApiError, TemplateRenderingFailed | failed | |
 * | Bounce Unsubscribe / Subscribe | unsubscribed / subscribed | |
 * | Bounce SpamNotification, SpamComplaint; RecordType SpamComplaint | complained, spam | |
 * | Open | opened | userAgent = UserAgent |
 * | Click | clicked | clickUrl = OriginalLink, userAgent = UserAgent |
 * | SubscriptionChange, SuppressSending true | unsubscribed, unsubscribed | description = SuppressionReason by Origin |
 * | SubscriptionChange, SuppressSending false | subscribed | |
 * | anything else (Unknown, InboundError, ...) | unknown | raw kept |
 *
 * Event ids: the bounce `ID` for bounces and complaints, else the record's own time (plus the
 * link for clicks, the new preference for subscription changes).
 */
import * as z from 'zod';
import type { NormalizedEvent } from '../../../contract/records.js';
import {
  type EventFields,
  emitEvents,
  metadataOf,
  ownString,
  type ProviderEvent,
  tagsOf,
  toIsoUtc,
  unknownProviderEvents,
} from '../../webhooks/events.js';
import { any, bool, str, strish } from '../../webhooks/lenient.js';
import type { WebhookContext } from '../../webhooks/types.js';
import { MESSAGE_ID_METADATA } from './fields.js';

const record = z.object({
  RecordType: str,
  MessageID: str,
  ID: strish,
  Type: str,
  Description: str,
  Details: str,
  Email: str,
  Recipient: str,
  Tag: str,
  Metadata: any,
  DeliveredAt: str,
  BouncedAt: str,
  ReceivedAt: str,
  ChangedAt: str,
  UserAgent: str,
  OriginalLink: str,
  SuppressSending: bool,
  SuppressionReason: str,
  Origin: str,
  FirstOpen: bool,
});
type PmRecord = z.output<typeof record>;

export function normalizeTracking(payload: unknown, ctx: WebhookContext): NormalizedEvent[] {
  const parsed = record.safeParse(payload);
  const d = parsed.success ? parsed.data : undefined;
  const time = d ? (d.DeliveredAt ?? d.BouncedAt ?? d.ReceivedAt ?? d.ChangedAt) : undefined;
  const e: ProviderEvent = {
    ctx,
    raw: payload,
    providerEventType: d && joinType(d),
    providerEventId: d && eventIdentity(d, time),
    providerMessageId: d?.MessageID,
    messageId: ownString(d?.Metadata, MESSAGE_ID_METADATA),
    timestamp: toIsoUtc(time),
    tags: tagsOf(d?.Tag),
    metadata: metadataOf(d?.Metadata, [MESSAGE_ID_METADATA]),
  };
  const recipients = [d?.Recipient ?? d?.Email];
  if (!d) return unknownProviderEvents(e, [], 'not a Postmark webhook object');
  const fields = fieldsOf(d);
  if (!fields) return unknownProviderEvents(e, recipients, `unknown Postmark record "${joinType(d) ?? ''}"`);
  return emitEvents(e, recipients, fields);
}

function joinType(d: PmRecord): string | undefined {
  return d.RecordType === 'Bounce' && d.Type ? `Bounce/${d.Type}` : d.RecordType;
}

function eventIdentity(d: PmRecord, time: string | undefined): string | undefined {
  if (d.ID !== undefined && (d.RecordType === 'Bounce' || d.RecordType === 'SpamComplaint')) return `bounce ${d.ID} ${time ?? ''}`;
  if (d.RecordType === 'Click') return time && `${time} ${d.OriginalLink ?? ''}`;
  if (d.RecordType === 'SubscriptionChange') return time && `${time} ${String(d.SuppressSending)}`;
  return time;
}

const BOUNCES: Readonly<Record<string, EventFields>> = {
  HardBounce: { eventType: 'bounced', bounceType: 'permanent', rejectReason: 'bounced' },
  BadEmailAddress: { eventType: 'bounced', bounceType: 'permanent', rejectReason: 'invalid' },
  SoftBounce: { eventType: 'bounced', bounceType: 'transient', rejectReason: 'bounced' },
  Undeliverable: { eventType: 'bounced', bounceType: 'transient', rejectReason: 'bounced' },
  Transient: { eventType: 'deferred' },
  DnsError: { eventType: 'deferred' },
  OpenRelayTest: { eventType: 'deferred' },
  AutoResponder: { eventType: 'autoresponded' },
  AddressChange: { eventType: 'autoresponded' },
  ChallengeVerification: { eventType: 'autoresponded' },
  Blocked: { eventType: 'rejected', rejectReason: 'blocked' },
  DMARCPolicy: { eventType: 'rejected', rejectReason: 'blocked' },
  ManuallyDeactivated: { eventType: 'rejected', rejectReason: 'blocked' },
  Unconfirmed: { eventType: 'rejected', rejectReason: 'other' },
  VirusNotification: { eventType: 'bounced', bounceType: 'undetermined', rejectReason: 'other' },
  SMTPApiError: { eventType: 'failed' },
  TemplateRenderingFailed: { eventType: 'failed' },
  Unsubscribe: { eventType: 'unsubscribed', rejectReason: 'unsubscribed' },
  Subscribe: { eventType: 'subscribed' },
  SpamNotification: { eventType: 'complained', rejectReason: 'spam' },
  SpamComplaint: { eventType: 'complained', rejectReason: 'spam' },
};

function fieldsOf(d: PmRecord): EventFields | undefined {
  switch (d.RecordType) {
    case 'Delivery':
      return { eventType: 'delivered', mtaResponse: d.Details };
    case 'Bounce':
    case 'SpamComplaint': {
      const type = d.Type ?? (d.RecordType === 'SpamComplaint' ? 'SpamComplaint' : '');
      if (!Object.hasOwn(BOUNCES, type)) return undefined;
      return { ...BOUNCES[type]!, description: d.Description, mtaResponse: d.Details };
    }
    case 'Open':
      return { eventType: 'opened', userAgent: d.UserAgent, description: d.FirstOpen === false ? 'not the first open' : undefined };
    case 'Click':
      return { eventType: 'clicked', clickUrl: d.OriginalLink, userAgent: d.UserAgent };
    case 'SubscriptionChange': {
      if (d.SuppressSending === undefined) return undefined;
      const description = [d.SuppressionReason, d.Origin && `by ${d.Origin}`].filter(Boolean).join(' ') || undefined;
      if (!d.SuppressSending) return { eventType: 'subscribed', description };
      // A suppression Postmark added because of a hard bounce or a complaint arrives as its own
      // Bounce / SpamComplaint record too; this one records the preference change.
      return { eventType: 'unsubscribed', rejectReason: 'unsubscribed', description };
    }
    default:
      return undefined;
  }
}
