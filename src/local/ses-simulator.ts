/**
 * What Amazon SES would publish about one sent email, locally: SES event-publishing records
 * (`eventType` format, https://docs.aws.amazon.com/ses/latest/dg/event-publishing-retrieving-sns-contents.html,
 * examples: https://docs.aws.amazon.com/ses/latest/dg/event-publishing-retrieving-sns-examples.html)
 * honouring the SES mailbox simulator
 * (https://docs.aws.amazon.com/ses/latest/dg/send-an-email-from-console.html#send-email-simulator):
 *
 * | address                               | SES publishes                                        |
 * |---------------------------------------|------------------------------------------------------|
 * | success@simulator.amazonses.com       | Send, Delivery                                       |
 * | bounce@simulator.amazonses.com        | Send, Bounce (Permanent / General, 550 5.1.1)        |
 * | ooto@simulator.amazonses.com          | Send, Delivery (the out-of-office reply is an email  |
 * |                                       | to the Return-Path, not an event)                    |
 * | complaint@simulator.amazonses.com     | Send, Delivery, then Complaint (abuse)               |
 * | suppressionlist@simulator.amazonses.com | Send, Bounce (Permanent / OnAccountSuppressionList) |
 * | any other address                     | Send, Delivery                                       |
 *
 * The simulator accepts labels (`bounce+label1@simulator.amazonses.com`), so the part after
 * `+` is ignored. Pure and deterministic: the same email always yields the same records
 * (timestamps derive from the send time, feedback ids from the message id), so a restarted
 * watcher republishing them is deduplicated by the tracking pipeline.
 */
import { createHash } from 'node:crypto';

export const SIMULATOR_DOMAIN = 'simulator.amazonses.com';
export type SimulatorScenario = 'success' | 'bounce' | 'ooto' | 'complaint' | 'suppressionlist' | 'default';

export function simulatorScenario(address: string): SimulatorScenario {
  const at = address.lastIndexOf('@');
  if (at < 0 || address.slice(at + 1).toLowerCase() !== SIMULATOR_DOMAIN) return 'default';
  const local = address.slice(0, at).toLowerCase().split('+')[0];
  switch (local) {
    case 'success':
    case 'bounce':
    case 'ooto':
    case 'complaint':
    case 'suppressionlist':
      return local;
    default:
      return 'default';
  }
}

export interface SentEmail {
  /** The SES message id (what SendEmail returned, our `providerMessageId`). */
  readonly messageId: string;
  /** When SES accepted it. */
  readonly sentAt: Date;
  /** `mail.source`: the From address as sent. */
  readonly source: string;
  /** Every envelope recipient (to, cc and bcc), bare addresses. */
  readonly destination: readonly string[];
  readonly subject?: string;
  readonly from?: readonly string[];
  readonly to?: readonly string[];
  /** `mail.tags`: SES's own tags plus the message tags the sender set. */
  readonly tags: Readonly<Record<string, readonly string[]>>;
  readonly region: string;
  readonly accountId?: string;
}

export interface SesEventRecord {
  readonly eventType: 'Send' | 'Delivery' | 'Bounce' | 'Complaint';
  readonly mail: Record<string, unknown>;
  readonly send?: Record<string, never>;
  readonly delivery?: Record<string, unknown>;
  readonly bounce?: Record<string, unknown>;
  readonly complaint?: Record<string, unknown>;
}

const iso = (base: Date, plusMs: number): string => new Date(base.getTime() + plusMs).toISOString();
const feedbackId = (messageId: string, kind: string, group: string): string =>
  `${createHash('sha256').update(`${messageId}|${kind}|${group}`).digest('hex').slice(0, 48)}-000000`;

function mailObject(email: SentEmail): Record<string, unknown> {
  const account = email.accountId ?? '000000000000';
  const fromAddress = email.source.match(/<([^>]+)>/)?.[1] ?? email.source;
  return {
    timestamp: email.sentAt.toISOString(),
    source: email.source,
    sourceArn: `arn:aws:ses:${email.region}:${account}:identity/${fromAddress.split('@')[1] ?? fromAddress}`,
    sendingAccountId: account,
    messageId: email.messageId,
    destination: [...email.destination],
    headersTruncated: false,
    headers: [
      ...(email.from ?? [email.source]).map((v) => ({ name: 'From', value: v })),
      ...(email.to?.length ? [{ name: 'To', value: email.to.join(', ') }] : []),
      ...(email.subject !== undefined ? [{ name: 'Subject', value: email.subject }] : []),
    ],
    commonHeaders: {
      from: [...(email.from ?? [email.source])],
      ...(email.to?.length ? { to: [...email.to] } : {}),
      messageId: email.messageId,
      ...(email.subject !== undefined ? { subject: email.subject } : {}),
    },
    tags: Object.fromEntries(Object.entries(email.tags).map(([k, v]) => [k, [...v]])),
  };
}

/** Groups addresses by domain: SES delivers to one domain in one SMTP transaction and reports it as one Delivery. */
function byDomain(addresses: readonly string[]): string[][] {
  const groups = new Map<string, string[]>();
  for (const a of addresses) {
    const domain = a.slice(a.lastIndexOf('@') + 1).toLowerCase();
    groups.set(domain, [...(groups.get(domain) ?? []), a]);
  }
  return [...groups.values()];
}

/** The records SES would publish for `email`, in the order it would publish them. */
export function sesEventsFor(email: SentEmail): SesEventRecord[] {
  const mail = mailObject(email);
  const scenarios = email.destination.map((address) => ({ address, scenario: simulatorScenario(address) }));
  const delivered = scenarios.filter((s) => s.scenario !== 'bounce' && s.scenario !== 'suppressionlist').map((s) => s.address);
  const hardBounced = scenarios.filter((s) => s.scenario === 'bounce').map((s) => s.address);
  const suppressed = scenarios.filter((s) => s.scenario === 'suppressionlist').map((s) => s.address);
  const complained = scenarios.filter((s) => s.scenario === 'complaint').map((s) => s.address);

  const records: SesEventRecord[] = [{ eventType: 'Send', mail, send: {} }];
  for (const group of byDomain(delivered)) {
    records.push({
      eventType: 'Delivery',
      mail,
      delivery: {
        timestamp: iso(email.sentAt, 350),
        processingTimeMillis: 350,
        recipients: group,
        smtpResponse: '250 2.6.0 Message received',
        reportingMTA: 'a8-70.smtp-out.amazonses.com',
        remoteMtaIp: '127.0.0.1',
      },
    });
  }
  if (suppressed.length) {
    // SES never tries the address: the bounce is immediate and comes from SES itself.
    records.push({
      eventType: 'Bounce',
      mail,
      bounce: {
        bounceType: 'Permanent',
        bounceSubType: 'OnAccountSuppressionList',
        bouncedRecipients: suppressed.map((emailAddress) => ({
          emailAddress,
          action: 'failed',
          status: '5.1.1',
          diagnosticCode: 'Amazon SES did not send the message to this address because it is on the suppression list for your account.',
        })),
        timestamp: iso(email.sentAt, 100),
        feedbackId: feedbackId(email.messageId, 'suppressed', suppressed.join(',')),
        reportingMTA: 'dns; amazonses.com',
      },
    });
  }
  if (hardBounced.length) {
    records.push({
      eventType: 'Bounce',
      mail,
      bounce: {
        bounceType: 'Permanent',
        bounceSubType: 'General',
        bouncedRecipients: hardBounced.map((emailAddress) => ({
          emailAddress,
          action: 'failed',
          status: '5.1.1',
          diagnosticCode: 'smtp; 550 5.1.1 user unknown',
        })),
        timestamp: iso(email.sentAt, 500),
        feedbackId: feedbackId(email.messageId, 'bounce', hardBounced.join(',')),
        reportingMTA: `dsn; ${SIMULATOR_DOMAIN}`,
      },
    });
  }
  if (complained.length) {
    records.push({
      eventType: 'Complaint',
      mail,
      complaint: {
        feedbackId: feedbackId(email.messageId, 'complaint', complained.join(',')),
        complaintSubType: null,
        complainedRecipients: complained.map((emailAddress) => ({ emailAddress })),
        timestamp: iso(email.sentAt, 2000),
        userAgent: 'Amazon SES Mailbox Simulator',
        complaintFeedbackType: 'abuse',
        arrivalDate: iso(email.sentAt, 1500),
      },
    });
  }
  return records;
}
