/**
 * SMTP relay adapter: nodemailer's SMTP transport to any relay, STARTTLS (required by default)
 * or implicit TLS, AUTH with the secret's credentials, pooled connections
 * (https://nodemailer.com/smtp/, https://nodemailer.com/smtp/pooled/).
 *
 * - Our id is not carried in the message (the contract forbids it in any header the
 *   recipient sees, and SMTP has no metadata channel): the Message-ID is derived from it with a
 *   keyed hash (./fields.ts), the same on every attempt, and becomes providerMessageId.
 * - Per recipient, from the RCPT TO replies: accepted → `queued` (the relay took it);
 *   a 5yz → `rejected` / `invalid`; a 4yz → retried for that recipient alone (the base throws a
 *   PartialSendError, and the retry's envelope holds only the recipients not yet settled,
 *   while the headers still name everyone).
 * - envelopeSender → MAIL FROM. Bcc is in the envelope only, never in the headers.
 * - Not supported: templates, mergeData, sendAt, per-message tracking (a relay tracks nothing:
 *   trackOpens/trackClicks `false` is accepted), tags and metadata (kept on our record only).
 */
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { formatMailbox, type Mailbox } from '../../../contract/address.js';
import type { EmailMessage } from '../../../contract/message.js';
import { BaseEmailProvider, type BaseProviderOptions, type CallOutcome, type RecipientOutcome } from '../../base.js';
import { type AttachmentFetcher, resolveAttachments } from '../../email/attachments.js';
import { reservedHeaderUses, s3AttachmentUses } from '../../email/feature-rules.js';
import type { FeatureUse } from '../../features.js';
import { providerOptionUses } from '../../provider-options.js';
import type { EmailCapabilities, SendContext } from '../../types.js';
import { translateSmtpError } from './errors.js';
import { smtpMessageId } from './fields.js';

const RESERVED_HEADER =
  /^(from|to|cc|bcc|subject|reply-to|date|message-id|mime-version|content-type|content-transfer-encoding|return-path)$/i;

export interface SmtpProviderOptions extends BaseProviderOptions {
  readonly name?: string;
  readonly host: string;
  readonly port?: number;
  /** @default 'starttls' */
  readonly tls?: 'starttls' | 'implicit' | 'none';
  readonly username?: string;
  readonly password?: string;
  /** @default true */
  readonly pool?: boolean;
  /** @default 5 */
  readonly maxConnections?: number;
  /** Connect, greeting and socket-idle timeouts, ms. @default 10000 */
  readonly timeoutMs?: number;
  /** Key of the Message-ID hash; defaults to the credentials (never sent in clear form). */
  readonly messageIdKey?: string;
  readonly fetchAttachment?: AttachmentFetcher;
}

interface SmtpRequest {
  readonly mail: SendMailOptions;
  /** Lower-cased envelope recipients of this attempt. */
  readonly recipients: readonly string[];
  readonly messageId: string;
}

type Info = SMTPTransport.SentMessageInfo & { rejectedErrors?: Array<{ responseCode?: number; response?: string; recipient?: string }> };

const lower = (m: Mailbox) => m.address.toLowerCase();
const mailbox = (m: Mailbox) => (m.name ? { name: m.name, address: m.address } : m.address);

export class SmtpEmailProvider extends BaseEmailProvider<SmtpRequest, Info> {
  static readonly capabilities: EmailCapabilities = {
    attachments: true,
    inlineImages: true,
    customHeaders: true,
    envelopeSender: true,
    amp: true,
    storedTemplates: false,
    inlineTemplates: false,
    mergeData: false,
    tags: false,
    trackingOverrides: false,
    sendAt: false,
  };

  readonly name: string;
  readonly capabilities = SmtpEmailProvider.capabilities;
  protected override readonly trackingDefaults = { opens: false, clicks: false };
  private readonly transport: Transporter<SMTPTransport.SentMessageInfo>;
  private readonly messageIdKey: string;
  private readonly fetchAttachment?: AttachmentFetcher;

  constructor(opts: SmtpProviderOptions) {
    super(opts);
    this.name = opts.name ?? 'smtp';
    const tls = opts.tls ?? 'starttls';
    const timeout = opts.timeoutMs ?? 10_000;
    const options: SMTPTransport.Options = {
      host: opts.host,
      port: opts.port ?? (tls === 'implicit' ? 465 : 587),
      secure: tls === 'implicit',
      requireTLS: tls === 'starttls',
      ignoreTLS: tls === 'none',
      ...(opts.username !== undefined ? { auth: { user: opts.username, pass: opts.password ?? '' } } : {}),
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
      disableFileAccess: true,
      disableUrlAccess: true,
    };
    this.transport =
      (opts.pool ?? true)
        ? nodemailer.createTransport({ ...options, pool: true, maxConnections: opts.maxConnections ?? 5 })
        : nodemailer.createTransport(options);
    this.messageIdKey = opts.messageIdKey ?? `${opts.username ?? ''}:${opts.password ?? ''}:${opts.host}`;
    this.fetchAttachment = opts.fetchAttachment;
  }

  /** Closes pooled connections (shutdown, tests). */
  close(): void {
    this.transport.close();
  }

  protected override extraFeatureUses(m: EmailMessage, _ctx: SendContext): FeatureUse<EmailMessage>[] {
    const uses: FeatureUse<EmailMessage>[] = providerOptionUses(m, {});
    if (m.mergeGlobalData) uses.push({ feature: 'mergeGlobalData (an SMTP relay does no substitution)' });
    uses.push(...reservedHeaderUses(m, RESERVED_HEADER, 'set from message fields'));
    uses.push(...s3AttachmentUses(m, this.name, this.fetchAttachment));
    return uses;
  }

  protected async buildPayload(m: EmailMessage, ctx: SendContext): Promise<readonly SmtpRequest[]> {
    const attachments = await resolveAttachments(m.attachments ?? [], this.name, this.fetchAttachment);
    const settled = new Set((ctx.settledRecipients ?? []).map((r) => r.toLowerCase()));
    const recipients = [...new Set([...(m.to ?? []), ...(m.cc ?? []), ...(m.bcc ?? [])].map(lower))].filter((r) => !settled.has(r));
    const messageId = smtpMessageId(ctx.messageId, this.messageIdKey, m.from.address.slice(m.from.address.lastIndexOf('@') + 1));
    const mail: SendMailOptions = {
      from: mailbox(m.from),
      ...(m.to?.length ? { to: m.to.map(mailbox) } : {}),
      ...(m.cc?.length ? { cc: m.cc.map(mailbox) } : {}),
      ...(m.replyTo?.length ? { replyTo: m.replyTo.map(formatMailbox) } : {}),
      subject: m.subject ?? '',
      ...(m.text !== undefined ? { text: m.text } : {}),
      ...(m.html !== undefined ? { html: m.html } : {}),
      ...(m.amp !== undefined ? { amp: m.amp } : {}),
      headers: { ...(m.headers ?? {}) },
      messageId,
      // The envelope names every recipient of this attempt (bcc included); the headers never show bcc.
      envelope: { from: m.envelopeSender ?? m.from.address, to: recipients },
      attachments: attachments.map((a) => ({
        filename: a.filename,
        content: a.content,
        contentType: a.contentType,
        contentDisposition: a.inline ? ('inline' as const) : ('attachment' as const),
        ...(a.contentId !== undefined ? (a.inline ? { cid: a.contentId } : { headers: { 'Content-ID': `<${a.contentId}>` } }) : {}),
      })),
      disableFileAccess: true,
      disableUrlAccess: true,
      xMailer: false,
    };
    return [{ mail, recipients, messageId: messageId.slice(1, -1) }];
  }

  protected async call(request: SmtpRequest): Promise<Info> {
    try {
      return (await this.transport.sendMail(request.mail)) as Info;
    } catch (error) {
      throw translateSmtpError(error, this.name);
    }
  }

  protected recipientsOf(request: SmtpRequest): readonly string[] {
    return request.recipients;
  }

  protected parseStatus(request: SmtpRequest, info: Info): CallOutcome {
    const accepted = new Set(
      (info.accepted ?? []).map((a: string | { address?: string }) => String(typeof a === 'string' ? a : a.address).toLowerCase()),
    );
    const errors = new Map((info.rejectedErrors ?? []).map((e) => [String(e.recipient ?? '').toLowerCase(), e]));
    const recipients: Record<string, RecipientOutcome> = {};
    for (const r of request.recipients) {
      if (accepted.has(r)) {
        recipients[r] = { status: 'queued', providerMessageId: request.messageId };
        continue;
      }
      const e = errors.get(r);
      const reply = e?.responseCode ?? 0;
      const detail = e?.response ?? 'not accepted by the relay';
      if (reply >= 400 && reply < 500) recipients[r] = { status: 'failed', code: 'smtp_deferred', detail, retryable: true };
      else
        recipients[r] = {
          status: reply === 550 || reply === 553 ? 'invalid' : 'rejected',
          code: reply ? 'recipient_rejected' : 'unknown_recipient_outcome',
          detail,
        };
    }
    return { recipients, providerMessageId: request.messageId };
  }
}
