/**
 * SES events → normalized events, one per recipient, for both SES formats:
 *   event publishing (configuration set → SNS), `eventType`:
 *     https://docs.aws.amazon.com/ses/latest/dg/event-publishing-retrieving-sns-contents.html
 *   identity notifications (feedback forwarding → SNS), `notificationType`:
 *     https://docs.aws.amazon.com/ses/latest/dg/notification-contents.html
 * The two share the `mail`, `bounce`, `complaint` and `delivery` objects; notifications only
 * ever carry Bounce, Complaint and Delivery.
 *
 * The mapping follows Anymail's amazon_ses webhook where it is right and departs from it
 * where it is not (README "Tracking" has the full table): the event's own time rather than
 * SNS's, a deterministic id per recipient rather than the SNS MessageId, DeliveryDelay →
 * `deferred` and Subscription → `unsubscribed`/`subscribed` rather than `unknown`, a
 * `not-spam` feedback report is not treated as spam, and a missing optional field (no
 * bounceSubType, no feedback report) never fails the event.
 */
import { hash } from 'node:crypto';
import type { NormalizedEvent } from '../../contract/records.js';
import { toIsoUtc } from '../../contract/timestamp.js';
import { eventIdOf, rawFingerprint, uniqueRecipients, unknownEvents } from './common.js';
import { type MailFacts, mailFacts } from './ses-mail.js';
import { parseSesEvent, type SesEvent } from './ses-schema.js';
import { subscriptionChange } from './ses-subscription.js';
import type { NormalizeContext } from './types.js';

/** The plain-text Notification SES publishes once when an event destination's topic is validated. */
export const SES_TOPIC_VALIDATED = 'Successfully validated SNS topic for Amazon SES event publishing.';
/** notificationType SES sends when a topic is attached to an identity's feedback notifications. */
export const SES_SUBSCRIPTION_SUCCEEDED = 'AmazonSnsSubscriptionSucceeded';

type EventFields = Pick<
  NormalizedEvent,
  'eventType' | 'rejectReason' | 'bounceType' | 'description' | 'mtaResponse' | 'userAgent' | 'clickUrl'
>;

/**
 * `raw` is the SES event: an object, or the SNS `Message` string (parsed here). Returns []
 * only for the two documented setup notices, which are about the topic, not about mail.
 */
export function normalizeSesEvent(raw: unknown, ctx: NormalizeContext): NormalizedEvent[] {
  let value = raw;
  if (typeof raw === 'string') {
    if (raw.trim() === SES_TOPIC_VALIDATED) return [];
    try {
      value = JSON.parse(raw) as unknown;
    } catch {
      return unknownEvents(raw, ctx, { channel: 'email', description: 'SES notification is not JSON' });
    }
  }
  const parsed = parseSesEvent(value);
  if (!parsed) return unknownEvents(value, ctx, { channel: 'email', description: 'not an SES event object' });
  return fromSesEvent(parsed, value, ctx);
}

/** One SES event being normalized: what every emitted event shares. */
interface Source {
  readonly raw: unknown;
  readonly ctx: NormalizeContext;
  readonly mail: MailFacts;
  readonly type: string | undefined;
}

function fromSesEvent(ev: SesEvent, raw: unknown, ctx: NormalizeContext): NormalizedEvent[] {
  const type = ev.eventType ?? ev.notificationType;
  const mail = mailFacts(ev.mail);
  const s: Source = { raw, ctx, mail, type };

  switch (type) {
    case undefined:
      return unknownOf(s, 'SES event without eventType or notificationType');
    case SES_SUBSCRIPTION_SUCCEEDED:
      return [];
    case 'Send':
      return emit(s, mail.destination, mail.timestamp, mail.timestamp, { eventType: 'sent' });
    case 'Reject':
      // SES found a virus ("Bad content") and did not try any recipient.
      return emit(s, mail.destination, mail.timestamp, mail.timestamp, {
        eventType: 'rejected',
        rejectReason: 'blocked',
        description: ev.reject?.reason,
      });
    case 'Bounce': {
      const b = ev.bounce;
      if (!b?.bouncedRecipients.length) return unknownOf(s, 'SES Bounce without bouncedRecipients');
      const time = toIsoUtc(b.timestamp);
      const bounceType = bounceTypeOf(b.bounceType);
      // Only the bounced recipients: the others of the same message may well be delivered.
      return b.bouncedRecipients.flatMap((r) =>
        emit(s, [r.emailAddress], time, b.feedbackId ?? b.timestamp, {
          eventType: 'bounced',
          rejectReason: 'bounced',
          bounceType,
          description: joined(b.bounceSubType, r.status && `(${r.status})`),
          mtaResponse: r.diagnosticCode,
        }),
      );
    }
    case 'Complaint': {
      const c = ev.complaint;
      if (!c?.complainedRecipients.length) return unknownOf(s, 'SES Complaint without complainedRecipients');
      // A `not-spam` feedback report says the message was wrongly filed as spam: it is kept as
      // a complaint event (the feedback loop reported it) but is not spam, so no suppression.
      const notSpam = c.complaintFeedbackType?.toLowerCase() === 'not-spam';
      return emit(
        s,
        c.complainedRecipients.map((r) => r.emailAddress),
        toIsoUtc(c.timestamp) ?? toIsoUtc(c.arrivalDate),
        c.feedbackId ?? c.timestamp,
        {
          eventType: 'complained',
          rejectReason: notSpam ? undefined : 'spam',
          description: joined(c.complaintFeedbackType, c.complaintSubType ?? undefined, '; '),
          userAgent: c.userAgent,
        },
      );
    }
    case 'Delivery': {
      const d = ev.delivery;
      if (!d?.recipients.length) return unknownOf(s, 'SES Delivery without recipients');
      return emit(s, d.recipients, toIsoUtc(d.timestamp), d.timestamp, { eventType: 'delivered', mtaResponse: d.smtpResponse });
    }
    case 'Open': {
      const o = ev.open;
      // SES doesn't report which recipient opened (one tracking pixel per message, not per
      // recipient), so every destination gets the event, as Anymail does.
      return emit(s, mail.destination, toIsoUtc(o?.timestamp), o?.timestamp, { eventType: 'opened', userAgent: o?.userAgent });
    }
    case 'Click': {
      const c = ev.click;
      // Same as Open: SES doesn't say which recipient clicked. The link is part of the id so
      // two links clicked in the same millisecond stay two events.
      return emit(s, mail.destination, toIsoUtc(c?.timestamp), `${c?.timestamp ?? ''} ${c?.link ?? ''}`, {
        eventType: 'clicked',
        clickUrl: c?.link,
        userAgent: c?.userAgent,
      });
    }
    case 'Rendering Failure': {
      const f = ev.failure;
      return emit(s, mail.destination, mail.timestamp, mail.timestamp, {
        eventType: 'failed',
        description: joined(f?.templateName && `template ${f.templateName}:`, f?.errorMessage),
      });
    }
    case 'DeliveryDelay': {
      const d = ev.deliveryDelay;
      if (!d?.delayedRecipients.length) return unknownOf(s, 'SES DeliveryDelay without delayedRecipients');
      const expires = toIsoUtc(d.expirationTime);
      const time = toIsoUtc(d.timestamp);
      return d.delayedRecipients.flatMap((r) =>
        emit(s, [r.emailAddress], time, d.timestamp, {
          eventType: 'deferred',
          description: joined(joined(d.delayType, r.status && `(${r.status})`), expires && `SES retries until ${expires}`, '; '),
          mtaResponse: r.diagnosticCode,
        }),
      );
    }
    case 'Subscription': {
      const sub = ev.subscription;
      const change = sub && subscriptionChange(sub);
      if (!change) return unknownOf(s, 'SES Subscription without a recognizable preference change');
      return emit(s, mail.destination, toIsoUtc(sub.timestamp), sub.timestamp, change);
    }
    case 'Received':
      return unknownOf(s, 'SES inbound receipt notification on the tracking topic (subscribe it to the inbound pipeline instead)');
    default:
      return unknownOf(s, `unknown SES event type "${type}"`);
  }
}

function unknownOf(s: Source, description: string): NormalizedEvent[] {
  return unknownEvents(s.raw, s.ctx, {
    channel: 'email',
    description,
    providerEventType: s.type,
    providerMessageId: s.mail.providerMessageId,
    messageId: s.mail.messageId,
    recipients: uniqueRecipients(s.mail.destination),
    timestamp: s.mail.timestamp,
  });
}

function emit(
  s: Source,
  addresses: readonly unknown[],
  time: string | undefined,
  specificId: string | undefined,
  fields: EventFields,
): NormalizedEvent[] {
  const { mail, ctx } = s;
  const recipients = uniqueRecipients(addresses);
  const providerTime = time ?? mail.timestamp;
  const timestamp = providerTime ?? ctx.receivedAt;
  // The id must come from the payload alone: an event with no time of its own (no event or mail
  // timestamp) is identified by its content, never by when we received it, or a replay of the
  // same body would store a second event.
  const specific = specificId ?? providerTime ?? hash('sha256', rawFingerprint(s.raw), 'hex');
  // An Open/Click/Send without any destination still says something about the message.
  const targets: readonly (string | undefined)[] = recipients.length ? recipients : [undefined];
  const events: NormalizedEvent[] = [];
  for (const recipient of targets) {
    // Built field by field (no spreads, no undefined keys): this runs once per recipient of
    // every SES event and is most of the normalizer's cost after the parse.
    const e: Record<string, unknown> = {
      eventId: eventIdOf([ctx.provider, mail.providerMessageId, s.type, specific, recipient]),
      eventType: fields.eventType,
      provider: ctx.provider,
      channel: 'email',
      timestamp,
      receivedAt: ctx.receivedAt,
    };
    if (mail.messageId !== undefined) e['messageId'] = mail.messageId;
    if (mail.providerMessageId !== undefined) e['providerMessageId'] = mail.providerMessageId;
    if (recipient !== undefined) e['recipient'] = recipient;
    if (mail.tags !== undefined) e['tags'] = mail.tags;
    if (mail.metadata !== undefined) e['metadata'] = mail.metadata;
    if (fields.rejectReason !== undefined) e['rejectReason'] = fields.rejectReason;
    if (fields.bounceType !== undefined) e['bounceType'] = fields.bounceType;
    if (fields.description !== undefined) e['description'] = fields.description;
    if (fields.mtaResponse !== undefined) e['mtaResponse'] = fields.mtaResponse;
    if (fields.userAgent !== undefined) e['userAgent'] = fields.userAgent;
    if (fields.clickUrl !== undefined) e['clickUrl'] = fields.clickUrl;
    e['raw'] = s.raw;
    events.push(e as unknown as NormalizedEvent);
  }
  return events;
}

// SES capitalizes (Permanent, Transient, Undetermined); anything else we do not know is
// "undetermined" rather than a guess.
function bounceTypeOf(value: string | undefined): NormalizedEvent['bounceType'] {
  switch (value?.toLowerCase()) {
    case 'permanent':
      return 'permanent';
    case 'transient':
      return 'transient';
    default:
      return 'undetermined';
  }
}

/** The non-empty parts joined by `sep` (default a space), or undefined when there are none. */
function joined(a: string | undefined | false, b: string | undefined | false, sep = ' '): string | undefined {
  if (a && b) return `${a}${sep}${b}`;
  return a || b || undefined;
}
