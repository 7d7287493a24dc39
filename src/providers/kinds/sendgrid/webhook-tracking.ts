/**
 * SendGrid Event Webhook → §3 events. A POST is a JSON array of events, each about one
 * recipient (`email`), with the message's custom_args as top-level keys and its categories in
 * `category` (a string or a list).
 * https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/event
 *
 * | SendGrid event | eventType | notes |
 * |---|---|---|
 * | processed | queued | |
 * | dropped | rejected | rejectReason from `reason`: Bounced Address → bounced, Unsubscribed Address → unsubscribed, Spam Reporting Address → spam, Invalid → invalid, else other |
 * | delivered | delivered | mtaResponse = response |
 * | deferred | deferred | mtaResponse = response; description = attempt |
 * | bounce, type bounce (or none) | bounced, permanent, bounced | mtaResponse = reason; description = bounce_classification (status) |
 * | bounce, type blocked | bounced, transient, blocked | SendGrid's "blocked": the receiver refused for now (IP or content), not a bad address, so no suppression |
 * | open | opened | userAgent = useragent; Apple MPP machine opens say so in description |
 * | click | clicked | clickUrl = url, userAgent = useragent |
 * | spamreport | complained, spam | |
 * | unsubscribe | unsubscribed, unsubscribed | |
 * | group_unsubscribe | unsubscribed | one suppression group only: no rejectReason (receipts still go) |
 * | group_resubscribe | subscribed | |
 * | anything else | unknown | raw kept |
 *
 * `providerMessageId` is `sg_message_id` up to its first `.`: the X-Message-Id the send API
 * answered (SendGrid appends a filter suffix). The event id is `sg_event_id`.
 */
import * as z from 'zod';
import type { NormalizedEvent } from '../../../contract/records.js';
import {
  type EventFields,
  emitEvents,
  fromEpochSeconds,
  joinParts,
  metadataOf,
  ownString,
  type ProviderEvent,
  tagsOf,
  unknownProviderEvents,
} from '../../webhooks/events.js';
import { any, bool, opt, str, strish } from '../../webhooks/lenient.js';
import type { WebhookContext } from '../../webhooks/types.js';
import { MESSAGE_ID_ARG, RESERVED_EVENT_KEYS, sendgridMessageIdOf } from './fields.js';

const sgEvent = z.object({
  event: str,
  email: str,
  timestamp: opt(z.union([z.number(), z.string()])),
  sg_event_id: str,
  sg_message_id: str,
  category: any,
  response: str,
  attempt: strish,
  reason: str,
  status: strish,
  type: str,
  bounce_classification: str,
  useragent: str,
  url: str,
  sg_machine_open: bool,
  asm_group_id: strish,
});

/**
 * SendGrid's own event fields (the reference's delivery, engagement and account properties):
 * every other top-level key is a custom_arg, i.e. the message's metadata.
 */
const SENDGRID_FIELDS = [
  'email',
  'timestamp',
  'smtp-id',
  'event',
  'category',
  'sg_event_id',
  'sg_message_id',
  'sg_template_id',
  'sg_template_name',
  'response',
  'attempt',
  'reason',
  'status',
  'type',
  'bounce_classification',
  'useragent',
  'ip',
  'url',
  'url_offset',
  'tls',
  'cert_err',
  'asm_group_id',
  'marketing_campaign_id',
  'marketing_campaign_name',
  'marketing_campaign_version',
  'marketing_campaign_split_id',
  'post_type',
  'send_at',
  'sg_machine_open',
  'sg_content_type',
  'singlesend_id',
  'singlesend_name',
  'template_id',
  'template_version_id',
  'pool',
  'unique_args',
  'newsletter',
  'mc_stats',
  'phase_id',
  'ab_variation',
  'ab_phase_id',
  'ab_phase',
  'mc_auto_id',
  'mc_auto_name',
  'mc_auto_step_id',
  'sg_user_id',
  MESSAGE_ID_ARG,
  ...RESERVED_EVENT_KEYS,
];

/** `payload` is the JSON body: an array of events (a lone object is read as one event). */
export function normalizeTracking(payload: unknown, ctx: WebhookContext): NormalizedEvent[] {
  const items = Array.isArray(payload) ? payload : [payload];
  const out: NormalizedEvent[] = [];
  for (const item of items) out.push(...normalizeOne(item, ctx));
  return out;
}

function normalizeOne(item: unknown, ctx: WebhookContext): NormalizedEvent[] {
  const parsed = sgEvent.safeParse(item);
  const d = parsed.success ? parsed.data : undefined;
  const e: ProviderEvent = {
    ctx,
    raw: item,
    providerEventType: d?.event,
    providerEventId: d?.sg_event_id,
    providerMessageId: d?.sg_message_id ? sendgridMessageIdOf(d.sg_message_id) || undefined : undefined,
    messageId: ownString(item, MESSAGE_ID_ARG),
    timestamp: fromEpochSeconds(d?.timestamp),
    tags: tagsOf(d?.category),
    metadata: metadataOf(item, SENDGRID_FIELDS),
  };
  const recipients = d?.email ? [d.email] : [];
  if (!d) return unknownProviderEvents(e, recipients, 'not a SendGrid event object');
  const fields = fieldsOf(d);
  if (!fields) return unknownProviderEvents(e, recipients, `unknown SendGrid event "${d.event ?? ''}"`);
  return emitEvents(e, recipients, fields);
}

type SgEvent = z.output<typeof sgEvent>;

function dropReason(reason: string | undefined): NonNullable<EventFields['rejectReason']> {
  const r = (reason ?? '').toLowerCase();
  if (r.includes('unsubscribed')) return 'unsubscribed';
  if (r.includes('spam')) return 'spam';
  if (r.includes('bounce')) return 'bounced';
  if (r.includes('invalid')) return 'invalid';
  return 'other';
}

function fieldsOf(d: SgEvent): EventFields | undefined {
  switch (d.event) {
    case 'processed':
      return { eventType: 'queued' };
    case 'dropped':
      return { eventType: 'rejected', rejectReason: dropReason(d.reason), description: d.reason };
    case 'delivered':
      return { eventType: 'delivered', mtaResponse: d.response };
    case 'deferred':
      return { eventType: 'deferred', mtaResponse: d.response, description: d.attempt && `attempt ${d.attempt}` };
    case 'bounce': {
      const blocked = d.type === 'blocked';
      return {
        eventType: 'bounced',
        bounceType: blocked ? 'transient' : 'permanent',
        rejectReason: blocked ? 'blocked' : 'bounced',
        description: joinParts([d.bounce_classification, d.status && `(${d.status})`]),
        mtaResponse: d.reason,
      };
    }
    case 'open':
      return {
        eventType: 'opened',
        userAgent: d.useragent,
        description: d.sg_machine_open ? 'machine open (mail privacy proxy)' : undefined,
      };
    case 'click':
      return { eventType: 'clicked', clickUrl: d.url, userAgent: d.useragent };
    case 'spamreport':
      return { eventType: 'complained', rejectReason: 'spam' };
    case 'unsubscribe':
      return { eventType: 'unsubscribed', rejectReason: 'unsubscribed' };
    case 'group_unsubscribe':
      return { eventType: 'unsubscribed', description: d.asm_group_id && `unsubscribed from suppression group ${d.asm_group_id}` };
    case 'group_resubscribe':
      return { eventType: 'subscribed', description: d.asm_group_id && `resubscribed to suppression group ${d.asm_group_id}` };
    default:
      return undefined;
  }
}
