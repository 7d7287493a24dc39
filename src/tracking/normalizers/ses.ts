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
import type { NormalizedEvent } from '../../contract/records.js';
import { compact, eventIdOf, toIsoUtc, uniqueRecipients, unknownEvents } from './common.js';
import { mailFacts, type MailFacts } from './ses-mail.js';
import { sesEventSchema, type SesEvent } from './ses-schema.js';
import { subscriptionChange } from './ses-subscription.js';
import type { NormalizeContext } from './types.js';

/** The plain-text Notification SES publishes once when an event destination's topic is validated. */
export const SES_TOPIC_VALIDATED = 'Successfully validated SNS topic for Amazon SES event publishing.';
/** notificationType SES sends when a topic is attached to an identity's feedback notifications. */
export const SES_SUBSCRIPTION_SUCCEEDED = 'AmazonSnsSubscriptionSucceeded';

type EventFields = Omit<NormalizedEvent, 'eventId' | 'provider' | 'channel' | 'receivedAt' | 'recipient' | 'timestamp' | 'raw'>;

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
  const parsed = sesEventSchema.safeParse(value);
  if (!parsed.success) return unknownEvents(value, ctx, { channel: 'email', description: 'not an SES event object' });
  return fromSesEvent(parsed.data, value, ctx);
}

function fromSesEvent(ev: SesEvent, raw: unknown, ctx: NormalizeContext): NormalizedEvent[] {
  const type = ev.eventType ?? ev.notificationType;
  const mail = mailFacts(ev.mail);
  const unknown = (description: string, recipients: readonly string[] = uniqueRecipients(mail.destination)) =>
    unknownEvents(raw, ctx, {
      channel: 'email',
      description,
      providerEventType: type,
      providerMessageId: mail.providerMessageId,
      messageId: mail.messageId,
      recipients,
      timestamp: mail.timestamp,
    });
  const emit = (recipients: readonly unknown[], time: string | undefined, specificId: string | undefined, fields: EventFields) =>
    perRecipient(raw, ctx, mail, type ?? '', uniqueRecipients(recipients), time, specificId, fields);

  switch (type) {
    case undefined:
      return unknown('SES event without eventType or notificationType');
    case SES_SUBSCRIPTION_SUCCEEDED:
      return [];
    case 'Send':
      return emit(mail.destination, mail.timestamp, mail.timestamp, { eventType: 'sent' });
    case 'Reject': {
      // SES found a virus ("Bad content") and did not try any recipient.
      return emit(mail.destination, mail.timestamp, mail.timestamp, {
        eventType: 'rejected',
        rejectReason: 'blocked',
        description: ev.reject?.reason,
      });
    }
    case 'Bounce': {
      const b = ev.bounce;
      if (!b?.bouncedRecipients.length) return unknown('SES Bounce without bouncedRecipients');
      const time = toIsoUtc(b.timestamp);
      // Only the bounced recipients: the others of the same message may well be delivered.
      return b.bouncedRecipients.flatMap((r) =>
        emit([r.emailAddress], time, b.feedbackId ?? b.timestamp, {
          eventType: 'bounced',
          rejectReason: 'bounced',
          bounceType: bounceTypeOf(b.bounceType),
          description: joined([b.bounceSubType, r.status && `(${r.status})`], ' '),
          mtaResponse: r.diagnosticCode,
        }),
      );
    }
    case 'Complaint': {
      const c = ev.complaint;
      if (!c?.complainedRecipients.length) return unknown('SES Complaint without complainedRecipients');
      // A `not-spam` feedback report says the message was wrongly filed as spam: it is kept as
      // a complaint event (the feedback loop reported it) but is not spam, so no suppression.
      const notSpam = c.complaintFeedbackType?.toLowerCase() === 'not-spam';
      return emit(
        c.complainedRecipients.map((r) => r.emailAddress),
        toIsoUtc(c.timestamp) ?? toIsoUtc(c.arrivalDate),
        c.feedbackId ?? c.timestamp,
        {
          eventType: 'complained',
          rejectReason: notSpam ? undefined : 'spam',
          description: joined([c.complaintFeedbackType, c.complaintSubType ?? undefined], '; '),
          userAgent: c.userAgent,
        },
      );
    }
    case 'Delivery': {
      const d = ev.delivery;
      if (!d?.recipients.length) return unknown('SES Delivery without recipients');
      return emit(d.recipients, toIsoUtc(d.timestamp), d.timestamp, { eventType: 'delivered', mtaResponse: d.smtpResponse });
    }
    case 'Open': {
      const o = ev.open;
      // SES doesn't report which recipient opened (one tracking pixel per message, not per
      // recipient), so every destination gets the event, as Anymail does.
      return emit(mail.destination, toIsoUtc(o?.timestamp), o?.timestamp, { eventType: 'opened', userAgent: o?.userAgent });
    }
    case 'Click': {
      const c = ev.click;
      // Same as Open: SES doesn't say which recipient clicked. The link is part of the id so
      // two links clicked in the same millisecond stay two events.
      return emit(mail.destination, toIsoUtc(c?.timestamp), `${c?.timestamp ?? ''} ${c?.link ?? ''}`, {
        eventType: 'clicked',
        clickUrl: c?.link,
        userAgent: c?.userAgent,
      });
    }
    case 'Rendering Failure': {
      const f = ev.failure;
      return emit(mail.destination, mail.timestamp, mail.timestamp, {
        eventType: 'failed',
        description: joined([f?.templateName && `template ${f.templateName}:`, f?.errorMessage], ' '),
      });
    }
    case 'DeliveryDelay': {
      const d = ev.deliveryDelay;
      if (!d?.delayedRecipients.length) return unknown('SES DeliveryDelay without delayedRecipients');
      const expires = toIsoUtc(d.expirationTime);
      return d.delayedRecipients.flatMap((r) =>
        emit([r.emailAddress], toIsoUtc(d.timestamp), d.timestamp, {
          eventType: 'deferred',
          description: joined([d.delayType, r.status && `(${r.status})`, expires && `; SES retries until ${expires}`], ' '),
          mtaResponse: r.diagnosticCode,
        }),
      );
    }
    case 'Subscription': {
      const s = ev.subscription;
      const change = s && subscriptionChange(s);
      if (!change) return unknown('SES Subscription without a recognizable preference change');
      return emit(mail.destination, toIsoUtc(s.timestamp), s.timestamp, change);
    }
    case 'Received':
      return unknown('SES inbound receipt notification on the tracking topic (subscribe it to the inbound pipeline instead)');
    default:
      return unknown(`unknown SES event type "${type}"`);
  }
}

function perRecipient(
  raw: unknown,
  ctx: NormalizeContext,
  mail: MailFacts,
  providerType: string,
  recipients: readonly string[],
  time: string | undefined,
  specificId: string | undefined,
  fields: EventFields,
): NormalizedEvent[] {
  const timestamp = time ?? mail.timestamp ?? ctx.receivedAt;
  const specific = specificId ?? timestamp;
  // An Open/Click/Send without any destination still says something about the message.
  const targets: readonly (string | undefined)[] = recipients.length ? recipients : [undefined];
  return targets.map((recipient) =>
    compact<NormalizedEvent>({
      eventId: eventIdOf([ctx.provider, mail.providerMessageId, providerType, specific, recipient]),
      provider: ctx.provider,
      channel: 'email',
      messageId: mail.messageId,
      providerMessageId: mail.providerMessageId,
      recipient,
      timestamp,
      receivedAt: ctx.receivedAt,
      tags: mail.tags,
      metadata: mail.metadata,
      ...fields,
      raw,
    }),
  );
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

function joined(parts: readonly (string | undefined | false)[], sep: string): string | undefined {
  const text = parts.filter((p): p is string => typeof p === 'string' && p.length > 0).join(sep).replace(/ ; /g, '; ');
  return text || undefined;
}
