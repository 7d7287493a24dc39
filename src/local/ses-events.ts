/**
 * The local stand-in for SES event publishing. aws-ses-v2-local keeps what it was sent and
 * serves it at `GET /store` but publishes nothing, so this watcher polls the store, and for
 * every email it has not seen publishes what SES would (./ses-simulator.ts) to the local
 * "SES events" SNS topic. From there it flows exactly as in AWS: SNS → (fauxqs) SQS →
 * poller → the tracking handler.
 *
 * aws-ses-v2-local does not keep SES message tags, so the SES message-id tag our SES adapter
 * sets is missing from what it stored. The watcher joins through the provider message id
 * instead (`resolve`, wired by the pipeline to the messages table) and puts the tags back
 * on `mail.tags`, so the events look like the ones AWS publishes and the recipient list
 * includes Bcc (which a raw MIME message does not show). The send handler records
 * providerMessageId just after SES answers, so an email can show up in the store a moment
 * before its record does: it waits up to `joinGraceMs` for the record, then publishes
 * without our tag (as SES would for mail somebody else sent).
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import addressparser from 'nodemailer/lib/addressparser/index.js';
import * as z from 'zod';
import { MailroomError } from '../errors.js';
import { type SentEmail, sesEventsFor } from './ses-simulator.js';
import { TickLoop } from './tick-loop.js';

const storedEmailSchema = z.object({
  messageId: z.string(),
  from: z.string(),
  destination: z.object({ to: z.array(z.string()).default([]), cc: z.array(z.string()).default([]), bcc: z.array(z.string()).default([]) }),
  subject: z.string().optional(),
  /** Seconds since the epoch. */
  at: z.number(),
});
const storeSchema = z.object({ emails: z.array(z.unknown()) });

export type StoredEmail = z.output<typeof storedEmailSchema>;

export interface JoinedMessage {
  /** Envelope recipients as our record knows them (to, cc and bcc). */
  readonly destination: readonly string[];
  /** SES message tags our adapter set on the send. */
  readonly tags: Readonly<Record<string, readonly string[]>>;
}

export interface SesEventWatcherOptions {
  /** aws-ses-v2-local base URL. */
  readonly sesEndpoint: string;
  readonly sns: SNSClient;
  readonly topicArn: string;
  readonly region: string;
  readonly configurationSet?: string;
  /** Finds our message by SES message id; undefined when it is not (yet) ours. */
  readonly resolve: (providerMessageId: string) => Promise<JoinedMessage | undefined>;
  /** @default 500 */
  readonly intervalMs?: number;
  /** Ignore emails stored before this (a shared server may hold other runs' mail). @default when the watcher is built */
  readonly startAt?: Date;
  /** @default 10000 */
  readonly joinGraceMs?: number;
  readonly onError?: (error: unknown) => void;
  /** Called after an email's events were published (tests, logs). */
  readonly onPublished?: (email: StoredEmail, eventTypes: readonly string[]) => void;
}

export class SesStoreError extends MailroomError {}

/** Bare addresses from what aws-ses-v2-local stored ("Name <a@b>", or several in one string for raw sends). */
export function bareAddresses(values: readonly string[]): string[] {
  return values.flatMap((v) => addressparser(v, { flatten: true }).map((a) => a.address)).filter((a): a is string => Boolean(a));
}

export async function fetchStoredEmails(sesEndpoint: string, sinceSeconds?: number, signal?: AbortSignal): Promise<StoredEmail[]> {
  const url = `${sesEndpoint}/store${sinceSeconds !== undefined ? `?since=${sinceSeconds}` : ''}`;
  const response = await fetch(url, { signal: signal ?? AbortSignal.timeout(5000) });
  if (!response.ok) throw new SesStoreError(`GET ${url} answered ${response.status}`);
  const store = storeSchema.parse(await response.json());
  // Skip (not fail on) anything the server stored in a shape we do not know.
  return store.emails.flatMap((e) => {
    const parsed = storedEmailSchema.safeParse(e);
    return parsed.success ? [parsed.data] : [];
  });
}

export class SesEventWatcher {
  private readonly seen = new Set<string>();
  private readonly waiting = new Map<string, { email: StoredEmail; firstSeen: number }>();
  private sinceSeconds: number | undefined;
  private readonly loop: TickLoop;

  constructor(private readonly opts: SesEventWatcherOptions) {
    // `since` has one-second resolution: from one second back, nothing sent after startAt is missed.
    this.sinceSeconds = Math.floor((opts.startAt ?? new Date()).getTime() / 1000) - 1;
    this.loop = new TickLoop({ tick: () => this.tick(), intervalMs: opts.intervalMs ?? 500, onError: opts.onError });
  }

  start(): this {
    this.loop.start();
    return this;
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** One pass: fetch new emails, publish those whose record is known (or whose grace ran out). */
  async tick(now = Date.now()): Promise<void> {
    const emails = await fetchStoredEmails(this.opts.sesEndpoint, this.sinceSeconds);
    for (const email of emails) {
      if (this.seen.has(email.messageId) || this.waiting.has(email.messageId)) continue;
      this.waiting.set(email.messageId, { email, firstSeen: now });
      // `since` has one-second resolution; asking from one second back never misses a late arrival.
      this.sinceSeconds = Math.max(this.sinceSeconds ?? 0, email.at - 1);
    }
    for (const [messageId, { email, firstSeen }] of this.waiting) {
      const joined = await this.opts.resolve(messageId);
      if (!joined && now - firstSeen < (this.opts.joinGraceMs ?? 10_000)) continue;
      await this.publish(email, joined, firstSeen);
      this.waiting.delete(messageId);
      this.seen.add(messageId);
    }
  }

  private async publish(email: StoredEmail, joined: JoinedMessage | undefined, firstSeen: number): Promise<void> {
    const listed = bareAddresses([...email.destination.to, ...email.destination.cc, ...email.destination.bcc]);
    const destination = [...new Map([...listed, ...(joined?.destination ?? [])].map((a) => [a.toLowerCase(), a])).values()];
    const fromDomain = bareAddresses([email.from])[0]?.split('@')[1];
    const sent: SentEmail = {
      messageId: email.messageId,
      // The store keeps whole seconds; when we first saw the email is closer to when SES
      // accepted it (within the watcher's interval), kept inside that second.
      sentAt: new Date(Math.min(Math.max(firstSeen, email.at * 1000), email.at * 1000 + 999)),
      source: email.from,
      destination,
      ...(email.subject !== undefined ? { subject: email.subject } : {}),
      from: [email.from],
      to: email.destination.to,
      region: this.opts.region,
      tags: {
        ...(this.opts.configurationSet ? { 'ses:configuration-set': [this.opts.configurationSet] } : {}),
        'ses:source-ip': ['127.0.0.1'],
        ...(fromDomain ? { 'ses:from-domain': [fromDomain] } : {}),
        'ses:caller-identity': ['mailroom-local'],
        ...(joined?.tags ?? {}),
      },
    };
    const records = sesEventsFor(sent);
    // In order, one at a time: SES publishes Send before Delivery before Complaint.
    for (const record of records) {
      await this.opts.sns.send(new PublishCommand({ TopicArn: this.opts.topicArn, Message: JSON.stringify(record) }));
    }
    this.opts.onPublished?.(
      email,
      records.map((r) => r.eventType),
    );
  }
}
