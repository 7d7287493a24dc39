/**
 * Resend webhooks → §3 events: `{type, created_at, data: {email_id, created_at, from, to: [...],
 * subject, tags: [{name, value}], bounce?, click?, open?, failed?, suppressed?}}`.
 * https://resend.com/docs/dashboard/webhooks/event-types
 * https://resend.com/docs/dashboard/webhooks/body-parameters
 *
 * | Resend type | eventType | notes |
 * |---|---|---|
 * | email.scheduled | queued | |
 * | email.sent | sent | |
 * | email.delivered | delivered | |
 * | email.delivery_delayed | deferred | |
 * | email.bounced | bounced | bounceType from bounce.type (Permanent / Transient / else undetermined); description = bounce.subType: bounce.message; mtaResponse = bounce.diagnosticCode |
 * | email.complained | complained, spam | |
 * | email.opened | opened | userAgent = open.userAgent |
 * | email.clicked | clicked | clickUrl = click.link, userAgent = click.userAgent |
 * | email.failed | failed | description = failed.reason |
 * | email.suppressed | rejected | Resend did not send: the address is on its suppression list (rejectReason bounced / spam from suppressed.type, else other) |
 * | anything else (email.received, contact.*, domain.*) | unknown | raw kept |
 *
 * Resend does not say which recipient an event concerns beyond `data.to` ("impacted
 * recipients"): each gets the event. The event id is the event's own `created_at` (plus the
 * link for clicks); the svix-id is a header, not part of the payload, and is not needed.
 */
import * as z from 'zod';
import { keyedObject } from '../../../contract/record.js';
import type { NormalizedEvent } from '../../../contract/records.js';
import {
  type EventFields,
  emitEvents,
  joinParts,
  type Metadata,
  type ProviderEvent,
  toIsoUtc,
  unknownProviderEvents,
} from '../../webhooks/events.js';
import { any, opt, str } from '../../webhooks/lenient.js';
import type { WebhookContext } from '../../webhooks/types.js';
import { readResendTags } from './fields.js';

const data = z.object({
  email_id: str,
  created_at: str,
  to: any,
  tags: any,
  bounce: opt(z.object({ type: str, subType: str, message: str, diagnosticCode: any })),
  click: opt(z.object({ link: str, userAgent: str, timestamp: str })),
  open: opt(z.object({ userAgent: str, timestamp: str })),
  failed: opt(z.object({ reason: str })),
  suppressed: opt(z.object({ type: str, message: str })),
});
const webhook = z.object({ type: str, created_at: str, data: opt(data) });

export function normalizeTracking(payload: unknown, ctx: WebhookContext): NormalizedEvent[] {
  const parsed = webhook.safeParse(payload);
  const w = parsed.success ? parsed.data : undefined;
  const d = w?.data;
  const { messageId, metadata, tags } = tagsOf(d?.tags);
  const time = d?.click?.timestamp ?? d?.open?.timestamp ?? w?.created_at;
  const e: ProviderEvent = {
    ctx,
    raw: payload,
    providerEventType: w?.type,
    providerEventId: w?.created_at ? `${w.created_at} ${d?.click?.link ?? ''}` : undefined,
    providerMessageId: d?.email_id,
    messageId,
    timestamp: toIsoUtc(time),
    tags,
    metadata,
  };
  const recipients = typeof d?.to === 'string' ? [d.to] : Array.isArray(d?.to) ? d.to : [];
  if (!w || !d) return unknownProviderEvents(e, recipients, 'not a Resend email webhook (no data object)');
  const fields = fieldsOf(w.type, d);
  if (!fields) return unknownProviderEvents(e, recipients, `unknown Resend event "${w.type ?? ''}"`);
  return emitEvents(e, recipients, fields);
}

/**
 * Our message id, metadata and contract tags from the tags the adapter wrote (./fields.ts
 * readResendTags: `mailroom_id`, `m_<key>`, `t_<tag>`, all encoded); tags Mailroom did not write
 * stay in `raw`. Metadata is copied onto an object without a prototype: keys are data.
 */
function tagsOf(tags: unknown): { messageId?: string; metadata?: Metadata; tags?: string[] } {
  if (!Array.isArray(tags)) return {};
  const entries = tags.filter((t): t is { name?: unknown; value?: unknown } => typeof t === 'object' && t !== null);
  const read = readResendTags(entries);
  const metadata = keyedObject(Object.keys(read.metadata).map((k) => [k, read.metadata[k]!] as const));
  return {
    ...(read.messageId ? { messageId: read.messageId } : {}),
    ...(Object.keys(metadata).length ? { metadata } : {}),
    ...(read.tags.length ? { tags: read.tags } : {}),
  };
}

type Data = z.output<typeof data>;

function fieldsOf(type: string | undefined, d: Data): EventFields | undefined {
  switch (type) {
    case 'email.scheduled':
      return { eventType: 'queued' };
    case 'email.sent':
      return { eventType: 'sent' };
    case 'email.delivered':
      return { eventType: 'delivered' };
    case 'email.delivery_delayed':
      return { eventType: 'deferred' };
    case 'email.bounced': {
      const b = d.bounce;
      const kind = b?.type?.toLowerCase();
      const codes = Array.isArray(b?.diagnosticCode)
        ? b.diagnosticCode.filter((c): c is string => typeof c === 'string')
        : typeof b?.diagnosticCode === 'string'
          ? [b.diagnosticCode]
          : [];
      return {
        eventType: 'bounced',
        rejectReason: 'bounced',
        bounceType: kind === 'permanent' ? 'permanent' : kind === 'transient' ? 'transient' : 'undetermined',
        description: joinParts([b?.subType, b?.message], ': '),
        mtaResponse: codes.join('; ') || undefined,
      };
    }
    case 'email.complained':
      return { eventType: 'complained', rejectReason: 'spam' };
    case 'email.opened':
      return { eventType: 'opened', userAgent: d.open?.userAgent };
    case 'email.clicked':
      return { eventType: 'clicked', clickUrl: d.click?.link, userAgent: d.click?.userAgent };
    case 'email.failed':
      return { eventType: 'failed', description: d.failed?.reason };
    case 'email.suppressed': {
      const kind = d.suppressed?.type?.toLowerCase() ?? '';
      const rejectReason = kind.includes('bounce') ? 'bounced' : kind.includes('complain') ? 'spam' : 'other';
      return { eventType: 'rejected', rejectReason, description: joinParts([d.suppressed?.type, d.suppressed?.message], ': ') };
    }
    default:
      return undefined;
  }
}
