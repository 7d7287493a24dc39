/**
 * Mailgun tracking webhooks → §3 events. One webhook carries one event about one recipient:
 * `{signature, "event-data": {event, id, timestamp, recipient, tags, user-variables, message,
 * delivery-status, severity, reason, url, client-info, ...}}`.
 * https://documentation.mailgun.com/docs/mailgun/user-manual/webhooks/webhook-payloads
 * https://documentation.mailgun.com/docs/mailgun/user-manual/events/event-types
 *
 * | Mailgun event | eventType | notes |
 * |---|---|---|
 * | accepted | queued | |
 * | delivered | delivered | mtaResponse = delivery-status code + message |
 * | failed, severity permanent | bounced, permanent | rejectReason from `reason` (bounce/generic → bounced, old → timed_out, espblock → blocked) |
 * | failed, reason suppress-bounce / -complaint / -unsubscribe | rejected | Mailgun did not try: the address is on its suppression list (bounced / spam / unsubscribed) |
 * | failed, severity temporary | deferred | Mailgun retries; mtaResponse = delivery-status |
 * | rejected | rejected, blocked | Mailgun refused the message itself |
 * | opened | opened | userAgent = client-info.user-agent |
 * | clicked | clicked | clickUrl = url |
 * | complained | complained, spam | |
 * | unsubscribed | unsubscribed, unsubscribed | |
 * | anything else (stored, list events…) | unknown | raw kept |
 *
 * The event id is Mailgun's `id` together with its timestamp (Mailgun only promises the id is
 * unique within a day), never the signature token: a redelivered event is signed anew.
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
import { any, opt, str, strish } from '../../webhooks/lenient.js';
import type { WebhookContext } from '../../webhooks/types.js';
import { bareMailgunMessageId, MESSAGE_ID_VARIABLE } from './fields.js';

const eventData = z.object({
  event: str,
  id: str,
  timestamp: opt(z.union([z.number(), z.string()])),
  recipient: str,
  severity: str,
  reason: str,
  url: str,
  tags: any,
  'user-variables': any,
  'client-info': opt(z.object({ 'user-agent': str })),
  'delivery-status': opt(z.object({ code: strish, message: str, description: str, 'bounce-code': strish })),
  message: opt(z.object({ headers: opt(z.object({ 'message-id': str })) })),
  reject: opt(z.object({ reason: str, description: str })),
});
const webhook = z.object({ 'event-data': opt(eventData) });

export function normalizeTracking(payload: unknown, ctx: WebhookContext): NormalizedEvent[] {
  const parsed = webhook.safeParse(payload);
  const data = parsed.success ? parsed.data['event-data'] : undefined;
  const userVariables = data?.['user-variables'];
  const messageIdHeader = data?.message?.headers?.['message-id'];
  const e: ProviderEvent = {
    ctx,
    raw: payload,
    providerEventType: data?.event,
    providerEventId: data?.id ? `${data.id} ${String(data.timestamp ?? '')}` : undefined,
    // The adapter records the send's `<id@domain>` bare, as events carry it (./fields.ts).
    providerMessageId: messageIdHeader ? bareMailgunMessageId(messageIdHeader) || undefined : undefined,
    messageId: ownString(userVariables, MESSAGE_ID_VARIABLE),
    timestamp: fromEpochSeconds(data?.timestamp),
    tags: tagsOf(data?.tags),
    metadata: metadataOf(userVariables, [MESSAGE_ID_VARIABLE]),
  };
  const recipients = data?.recipient ? [data.recipient] : [];
  if (!data) return unknownProviderEvents(e, recipients, 'not a Mailgun webhook (no event-data object)');
  const fields = fieldsOf(data);
  if (!fields) return unknownProviderEvents(e, recipients, `unknown Mailgun event "${data.event ?? ''}"`);
  return emitEvents(e, recipients, fields);
}

type EventData = z.output<typeof eventData>;

const SUPPRESSED: Readonly<Record<string, NonNullable<EventFields['rejectReason']>>> = {
  'suppress-bounce': 'bounced',
  'suppress-complaint': 'spam',
  'suppress-unsubscribe': 'unsubscribed',
};
const PERMANENT_REASONS: Readonly<Record<string, NonNullable<EventFields['rejectReason']>>> = {
  bounce: 'bounced',
  generic: 'bounced',
  old: 'timed_out',
  espblock: 'blocked',
};

function fieldsOf(d: EventData): EventFields | undefined {
  const status = d['delivery-status'];
  const mta = joinParts([status?.code, status?.message || status?.description]);
  switch (d.event) {
    case 'accepted':
      return { eventType: 'queued' };
    case 'delivered':
      return { eventType: 'delivered', mtaResponse: mta };
    case 'failed': {
      const reason = d.reason ?? '';
      const description = joinParts([d.reason, status?.['bounce-code'] && `(${status['bounce-code']})`]);
      if (Object.hasOwn(SUPPRESSED, reason))
        return { eventType: 'rejected', rejectReason: SUPPRESSED[reason], description, mtaResponse: mta };
      if (d.severity === 'temporary') return { eventType: 'deferred', description, mtaResponse: mta };
      const rejectReason = Object.hasOwn(PERMANENT_REASONS, reason) ? PERMANENT_REASONS[reason] : 'other';
      return {
        eventType: 'bounced',
        bounceType: d.severity === 'permanent' ? 'permanent' : 'undetermined',
        rejectReason,
        description,
        mtaResponse: mta,
      };
    }
    case 'rejected':
      return { eventType: 'rejected', rejectReason: 'blocked', description: joinParts([d.reject?.reason, d.reject?.description], ': ') };
    case 'opened':
      return { eventType: 'opened', userAgent: d['client-info']?.['user-agent'] };
    case 'clicked':
      return { eventType: 'clicked', clickUrl: d.url, userAgent: d['client-info']?.['user-agent'] };
    case 'complained':
      return { eventType: 'complained', rejectReason: 'spam' };
    case 'unsubscribed':
      return { eventType: 'unsubscribed', rejectReason: 'unsubscribed' };
    default:
      return undefined;
  }
}
