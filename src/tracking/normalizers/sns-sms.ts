/**
 * SNS SMS delivery-status log entries → normalized events (channel `sms`, provider `sns`).
 * SNS writes one entry per SMS it publishes to a phone number, to the CloudWatch Logs groups
 * `sns/<region>/<account>/DirectPublishToPhoneNumber` (SUCCESS) and `…/Failure` (FAILURE):
 *   https://docs.aws.amazon.com/sns/latest/dg/sms_stats_cloudwatch.html
 *   https://repost.aws/knowledge-center/monitor-sns-texts-cloudwatch (example entries)
 *
 * `notification.messageId` is the MessageId `Publish` returned, which the SNS adapter records
 * as the message's providerMessageId: that is the join back to our message.
 *
 * The price (and SMS type, carrier, MCC/MNC) goes into `description`, e.g.
 * "Transactional SMS, 0.00645 USD, carrier My Phone Carrier (MCC 310, MNC 270)", and stays
 * numeric in `raw.delivery.priceInUSD`. Not into `metadata`: that is the producer's own
 * namespace, copied from the message, and provider facts mixed into it would collide with
 * producer keys and break "metadata is what you sent".
 */
import * as z from 'zod';
import type { NormalizedEvent, RejectReason } from '../../contract/records.js';
import { toIsoUtc } from '../../contract/timestamp.js';
import { eventIdOf, recipientKeyOf, unknownEvents } from './common.js';
import type { NormalizeContext } from './types.js';

const str = z.string().optional().catch(undefined);
const num = z.number().optional().catch(undefined);
const numOrStr = z.union([z.number(), z.string()]).optional().catch(undefined);

export const snsSmsLogSchema = z.object({
  notification: z.object({ messageId: z.string().min(1), timestamp: str }),
  delivery: z
    .object({
      destination: str,
      providerResponse: str,
      priceInUSD: num,
      smsType: str,
      phoneCarrier: str,
      mcc: numOrStr,
      mnc: numOrStr,
      dwellTimeMs: num,
      dwellTimeMsUntilDeviceAck: num,
    })
    .optional()
    .catch(undefined),
  status: str,
});

export type SnsSmsLogEntry = z.output<typeof snsSmsLogSchema>;

const MAX_PLAUSIBLE_DWELL_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * When the outcome happened: `notification.timestamp` is when SNS accepted the message, and the
 * dwell times say how long after that the device acknowledged it or SNS handed it to the
 * carrier (https://repost.aws/knowledge-center/monitor-sns-texts-cloudwatch, log examples). The event id keeps using the accept time, which never changes for one entry.
 */
function outcomeTime(entry: SnsSmsLogEntry): string | undefined {
  const accepted = toIsoUtc(entry.notification.timestamp);
  const dwell = entry.delivery?.dwellTimeMsUntilDeviceAck ?? entry.delivery?.dwellTimeMs;
  // A dwell no real log carries (negative, or past a week: carriers report within 72 hours)
  // leaves the accept time rather than inventing a far-future moment.
  if (accepted === undefined || dwell === undefined || !(dwell >= 0 && dwell <= MAX_PLAUSIBLE_DWELL_MS)) return accepted;
  return new Date(Date.parse(accepted) + dwell).toISOString();
}

/** `raw` is one log entry: the parsed object or the log event's message string. */
export function normalizeSnsSmsEvent(raw: unknown, ctx: NormalizeContext): NormalizedEvent[] {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw) as unknown;
    } catch {
      return unknownEvents(raw, ctx, { channel: 'sms', description: 'SNS SMS delivery log entry is not JSON' });
    }
  }
  const parsed = snsSmsLogSchema.safeParse(value);
  if (!parsed.success) {
    return unknownEvents(value, ctx, { channel: 'sms', description: 'not an SNS SMS delivery status log entry' });
  }
  const entry = parsed.data;
  const recipient = recipientKeyOf(entry.delivery?.destination);
  const timestamp = outcomeTime(entry) ?? ctx.receivedAt;
  const status = entry.status?.toUpperCase();
  if (status !== 'SUCCESS' && status !== 'FAILURE') {
    return unknownEvents(value, ctx, {
      channel: 'sms',
      description: `unknown SNS SMS delivery status "${entry.status ?? ''}"`,
      providerEventType: entry.status,
      providerMessageId: entry.notification.messageId,
      recipients: recipient ? [recipient] : [],
      timestamp,
    });
  }
  const e: Record<string, unknown> = {
    eventId: eventIdOf([ctx.provider, entry.notification.messageId, status, entry.notification.timestamp, recipient]),
    eventType: status === 'SUCCESS' ? 'delivered' : 'failed',
    provider: ctx.provider,
    channel: 'sms',
    providerMessageId: entry.notification.messageId,
    timestamp,
    receivedAt: ctx.receivedAt,
  };
  if (recipient !== undefined) e['recipient'] = recipient;
  if (status === 'FAILURE') e['rejectReason'] = failureReason(entry.delivery?.providerResponse);
  const description = summary(entry);
  if (description !== undefined) e['description'] = description;
  if (entry.delivery?.providerResponse !== undefined) e['mtaResponse'] = entry.delivery.providerResponse;
  e['raw'] = value;
  return [e as unknown as NormalizedEvent];
}

/**
 * SNS's failure provider responses, mapped to reject reasons where the wording is
 * unambiguous ("Phone number is opted out", "Invalid phone number", "Blocked as spam by phone
 * carrier", "Phone carrier has blocked this message", "Phone is currently unreachable/
 * unavailable", "Unknown error attempting to reach phone", "This delivery would exceed max
 * price"…); everything else is `other`. The exact text is always in `mtaResponse`.
 */
export function failureReason(providerResponse: string | undefined): RejectReason {
  const r = providerResponse?.toLowerCase() ?? '';
  if (r.includes('opted out')) return 'unsubscribed';
  if (r.includes('invalid')) return 'invalid';
  if (r.includes('spam')) return 'spam';
  if (r.includes('block')) return 'blocked';
  if (r.includes('unreachable') || r.includes('unavailable') || r.includes('ttl') || r.includes('expired')) return 'timed_out';
  return 'other';
}

function summary(entry: SnsSmsLogEntry): string | undefined {
  const d = entry.delivery;
  if (!d) return undefined;
  const parts: string[] = [];
  if (d.smsType) parts.push(`${d.smsType} SMS`);
  if (d.priceInUSD !== undefined) parts.push(`${d.priceInUSD} USD`);
  const network = [d.mcc !== undefined ? `MCC ${d.mcc}` : '', d.mnc !== undefined ? `MNC ${d.mnc}` : ''].filter(Boolean).join(', ');
  if (d.phoneCarrier) parts.push(`carrier ${d.phoneCarrier}${network ? ` (${network})` : ''}`);
  else if (network) parts.push(network);
  if (d.dwellTimeMs !== undefined) parts.push(`dwell ${d.dwellTimeMs} ms`);
  return parts.length ? parts.join(', ') : undefined;
}
