/**
 * zod shapes of the SES payloads we read, for both formats:
 *   event publishing (`eventType`):  https://docs.aws.amazon.com/ses/latest/dg/event-publishing-retrieving-sns-contents.html
 *   notifications (`notificationType`): https://docs.aws.amazon.com/ses/latest/dg/notification-contents.html
 *
 * Lenient where AWS is: SES "reserves the right to add additional fields" and leaves many out
 * (no DSN → no action/status/diagnosticCode; no feedback report → no complaintFeedbackType;
 * headers only when configured, truncated past 10 KB). Every field is optional, unknown fields
 * are ignored, and in the lenient variant a field of the wrong type degrades to absent
 * (`.catch`) instead of failing the whole event, and list entries that are not what they should
 * be are skipped. Only the fields the normalizer reads are declared: the rest of the payload is
 * kept, untouched, in the event's `raw`.
 *
 * The shapes are built twice from one definition: `strict` (plain optional fields, which zod
 * compiles to a fast path) and `lenient` (with `.catch` everywhere, several times slower).
 * `parseSesEvent` tries the strict one first: every well-formed SES payload passes it, and
 * only a damaged one pays for the lenient parse. Both produce the same output type.
 */
import * as z from 'zod';

type Mode = 'strict' | 'lenient';

function shapes(mode: Mode) {
  const lenient = mode === 'lenient';
  const opt = <T extends z.ZodType>(t: T) => (lenient ? t.optional().catch(undefined) : t.optional());
  const str = opt(z.string());
  /** A list of strings; absent → []; (lenient) anything that is not a string dropped. */
  const strings = lenient
    ? z
        .array(z.unknown())
        .optional()
        .catch(undefined)
        .transform((a) => (a ? a.filter((v): v is string => typeof v === 'string') : []))
    : z.array(z.string()).default([]);
  /** A list of `item`; absent → []; (lenient) entries that do not match dropped. */
  const listOf = <T extends z.ZodType>(item: T) =>
    lenient
      ? z
          .array(item.nullable().catch(null))
          .optional()
          .catch(undefined)
          .transform((a) => (a ?? []).filter((v): v is NonNullable<z.output<T>> => v !== null))
      : z.array(item).default([]);

  const mail = z.object({
    timestamp: str,
    messageId: str,
    destination: strings,
    // Headers (`[{name, value}]`) and tags (`{ name: [values] }`) are checked entry by entry
    // where they are read (src/tracking/normalizers/ses-mail.ts, with type guards): only
    // X-Tag, X-Metadata and a few tags matter, and parsing every entry here was more than
    // half of the cost of the whole parse, for values nobody reads.
    headers: lenient
      ? z
          .array(z.unknown())
          .optional()
          .catch(undefined)
          .transform((a) => a ?? [])
      : z.array(z.unknown()).default([]),
    tags: z.unknown().optional(),
  });
  const addressed = z.object({ emailAddress: z.string() });
  const topicPreferences = z.object({
    unsubscribeAll: opt(z.boolean()),
    topicSubscriptionStatus: listOf(z.object({ topicName: z.string(), subscriptionStatus: z.string() })),
  });

  return z.object({
    eventType: str,
    notificationType: str,
    mail: opt(mail),
    bounce: opt(
      z.object({
        bounceType: str,
        bounceSubType: str,
        bouncedRecipients: listOf(addressed.extend({ status: str, diagnosticCode: str })),
        timestamp: str,
        feedbackId: str,
      }),
    ),
    complaint: opt(
      z.object({
        complainedRecipients: listOf(addressed),
        timestamp: str,
        feedbackId: str,
        complaintSubType: opt(z.string().nullable()),
        userAgent: str,
        complaintFeedbackType: str,
        arrivalDate: str,
      }),
    ),
    delivery: opt(z.object({ timestamp: str, recipients: strings, smtpResponse: str })),
    reject: opt(z.object({ reason: str })),
    open: opt(z.object({ timestamp: str, userAgent: str })),
    click: opt(z.object({ timestamp: str, userAgent: str, link: str })),
    failure: opt(z.object({ errorMessage: str, templateName: str })),
    deliveryDelay: opt(
      z.object({
        timestamp: str,
        delayType: str,
        expirationTime: str,
        delayedRecipients: listOf(addressed.extend({ status: str, diagnosticCode: str })),
      }),
    ),
    subscription: opt(
      z.object({
        contactList: str,
        timestamp: str,
        source: str,
        newTopicPreferences: opt(topicPreferences),
        oldTopicPreferences: opt(topicPreferences),
      }),
    ),
  });
}

/** Top level of either format. Only an input that is not an object at all fails to parse. */
export const sesEventSchema = shapes('lenient');
export type SesEvent = z.output<typeof sesEventSchema>;
export type SesMail = NonNullable<SesEvent['mail']>;
export type SesSubscription = NonNullable<SesEvent['subscription']>;

export const strictSesEventSchema: z.ZodType<SesEvent, unknown> = shapes('strict');

/** The SES event, or undefined when the input is not an object at all. */
export function parseSesEvent(value: unknown): SesEvent | undefined {
  const fast = strictSesEventSchema.safeParse(value);
  if (fast.success) return fast.data;
  const lenient = sesEventSchema.safeParse(value);
  return lenient.success ? lenient.data : undefined;
}
