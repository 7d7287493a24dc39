/**
 * Amazon SES v2 email adapter.
 *
 * - SendEmail with Simple content when it carries the message exactly (subject, text, html,
 *   custom headers, attachments and inline images all exist in Simple content today), Raw
 *   MIME from nodemailer's MailComposer only for what Simple cannot express (AMP, over-long
 *   headers, filenames needing MIME parameter encoding): see ./ses-content.ts.
 * - Stored templates (TemplateName) and inline templates (TemplateContent) with TemplateData.
 * - mergeData → SendBulkEmail, ≤ 50 entries per call, one result per recipient.
 * - Our message id rides in an SES message tag (MESSAGE_ID_TAG, encoded by ./ses-tags.ts),
 *   so tracking joins SES events back to the message without any header.
 * - Open/click tracking is a property of the configuration set in SES
 *   (https://docs.aws.amazon.com/ses/latest/dg/faqs-metrics.html); SES has no per-message
 *   switch, so trackOpens/trackClicks are unsupported unless they match the configured
 *   `tracking` (then they ask for nothing).
 * - envelopeSender: SES picks MAIL FROM itself (its own domain, or the identity's custom MAIL
 *   FROM domain), so we set FeedbackForwardingEmailAddress, where SES forwards bounces and
 *   complaints – the same mapping Anymail makes.
 *
 * Recipient statuses follow Anymail's amazon_ses backend: SES accepting a SendEmail means
 * `queued` for every recipient (delivery is only known from events); bulk entries are
 * `queued` on SUCCESS and mapped per status otherwise (./ses-errors.ts).
 */
import {
  type SESv2Client,
  SendBulkEmailCommand,
  type SendBulkEmailCommandOutput,
  SendEmailCommand,
  type SendEmailCommandOutput,
} from '@aws-sdk/client-sesv2';
import type { EmailMessage } from '../../contract/message.js';
import type { ErrorRules } from '../aws-errors.js';
import { BaseEmailProvider, type CallOutcome, type RecipientOutcome } from '../base.js';
import { PermanentProviderError } from '../errors.js';
import type { FeatureUse } from '../features.js';
import type { EmailCapabilities, SendContext } from '../types.js';
import { type AttachmentFetcher, resolveAttachments, s3AttachmentFetcher } from './attachments.js';
import {
  attachmentFitsSimple,
  hasAsciiLocalPart,
  headerFitsSimple,
  isReservedHeader,
  SIMPLE_HEADERS_MAX,
  usesTemplate,
} from './ses-content.js';
import { bulkStatusOutcome, sesErrorRule } from './ses-errors.js';
import { DEFAULT_MESSAGE_ID_TAG, parseSesProviderOptions, type SesEmailProviderOptions, validateSesOptions } from './ses-options.js';
import { buildSesRequests, type SesBulkRequest, type SesRequest } from './ses-payload.js';

export type { SesEmailProviderOptions } from './ses-options.js';

/** SES v2 refuses messages over 40 MB after MIME encoding (https://docs.aws.amazon.com/ses/latest/dg/quotas.html). */
export const SES_MAX_MESSAGE_BYTES = 40 * 1024 * 1024;

type SesResponse = SendEmailCommandOutput | SendBulkEmailCommandOutput;

export class SesEmailProvider extends BaseEmailProvider<SesRequest, SesResponse> {
  static readonly capabilities: EmailCapabilities = {
    attachments: true,
    inlineImages: true,
    customHeaders: true,
    envelopeSender: true,
    amp: true,
    storedTemplates: true,
    inlineTemplates: true,
    mergeData: true,
    tags: true,
    trackingOverrides: false,
    sendAt: false,
  };

  readonly name: string;
  readonly capabilities: EmailCapabilities = SesEmailProvider.capabilities;
  protected override readonly errorRules: ErrorRules = sesErrorRule;
  protected override readonly trackingDefaults?: { readonly opens: boolean; readonly clicks: boolean };
  private readonly configurationSet?: string;
  private readonly messageIdTag: string;
  private readonly fetchAttachment?: AttachmentFetcher;

  constructor(
    private readonly client: SESv2Client,
    opts: SesEmailProviderOptions = {},
  ) {
    super(opts);
    validateSesOptions(opts);
    this.name = opts.name ?? 'ses';
    this.configurationSet = opts.configurationSet;
    this.messageIdTag = opts.messageIdTag ?? DEFAULT_MESSAGE_ID_TAG;
    this.fetchAttachment = opts.fetchAttachment ?? (opts.s3 ? s3AttachmentFetcher(opts.s3) : undefined);
    this.trackingDefaults = opts.tracking;
  }

  protected override extraFeatureUses(m: EmailMessage, _ctx: SendContext): FeatureUse<EmailMessage>[] {
    const uses: FeatureUse<EmailMessage>[] = [];
    const templated = usesTemplate(m);

    const addresses: [string, string][] = [['from', m.from.address]];
    for (const field of ['to', 'cc', 'bcc', 'replyTo'] as const)
      m[field]?.forEach((r, i) => {
        addresses.push([`${field}[${i}]`, r.address]);
      });
    for (const [field, address] of addresses) {
      if (!hasAsciiLocalPart(address))
        uses.push({ feature: `${field}: non-ASCII local part "${address}" (SES does not support SMTPUTF8)` });
    }

    const headerCount = Object.keys(m.headers ?? {}).length;
    if (templated && headerCount > SIMPLE_HEADERS_MAX)
      uses.push({ feature: `${headerCount} custom headers with a template (SES takes at most ${SIMPLE_HEADERS_MAX})` });
    for (const [name, value] of Object.entries(m.headers ?? {})) {
      const dropHeader = (x: EmailMessage): EmailMessage => ({
        ...x,
        headers: Object.fromEntries(Object.entries(x.headers ?? {}).filter(([n]) => n !== name)),
      });
      if (isReservedHeader(name))
        uses.push({ feature: `headers.${name} (set from message fields or reserved for SES control)`, drop: dropHeader });
      else if (templated && !headerFitsSimple(name, value))
        uses.push({ feature: `headers.${name} longer than SES allows with a template`, drop: dropHeader });
    }

    if (m.mergeData && !m.to?.length) {
      uses.push({ feature: 'mergeData without a `to` recipient (each `to` gets its own message; cc/bcc only get copies of those)' });
    }
    if (m.template && (m.subject !== undefined || m.text !== undefined || m.html !== undefined)) {
      uses.push({
        feature: "subject/text/html alongside template (SES renders the template's own)",
        drop: (x) => ({ ...x, subject: undefined, text: undefined, html: undefined }),
      });
    }
    if (templated && m.amp !== undefined)
      uses.push({ feature: 'amp with a template or merge data (SES templates have no AMP part)', drop: (x) => ({ ...x, amp: undefined }) });

    (m.attachments ?? []).forEach((a, i) => {
      const dropAttachment = (x: EmailMessage): EmailMessage => ({ ...x, attachments: x.attachments?.filter((b) => b !== a) });
      if (a.s3 && !this.fetchAttachment)
        uses.push({ feature: `attachments[${i}].s3 (no S3 client configured for adapter ${this.name})`, drop: dropAttachment });
      else if (templated && !attachmentFitsSimple(a))
        uses.push({
          feature: `attachments[${i}] with a template (SES needs an ASCII filename without quotes and a Content-ID of ≤ 78 characters)`,
          drop: dropAttachment,
        });
    });

    const { options, rejected } = parseSesProviderOptions(m.providerOptions);
    for (const { key, reason } of rejected) {
      uses.push({
        feature: `providerOptions.${key} (${reason})`,
        drop: (x) => ({ ...x, providerOptions: Object.fromEntries(Object.entries(x.providerOptions ?? {}).filter(([k]) => k !== key)) }),
      });
    }
    if (m.mergeData && options.listManagementOptions) {
      uses.push({
        feature: 'providerOptions.listManagementOptions with mergeData (SendBulkEmail has no list management)',
        drop: (x) => ({ ...x, providerOptions: { ...x.providerOptions, listManagementOptions: undefined } }),
      });
    }
    return uses;
  }

  protected async buildPayload(m: EmailMessage, ctx: SendContext): Promise<readonly SesRequest[]> {
    const attachments = await resolveAttachments(m.attachments ?? [], this.name, this.fetchAttachment);
    const size = estimateEncodedSize(
      m,
      attachments.map((a) => a.content.length),
    );
    if (size > SES_MAX_MESSAGE_BYTES) {
      throw new PermanentProviderError(
        `${this.name}: message is about ${Math.ceil(size / 1048576)} MB encoded, SES accepts at most 40 MB`,
        { provider: this.name, code: 'message_too_large' },
      );
    }
    const { options } = parseSesProviderOptions(m.providerOptions);
    return buildSesRequests(m, attachments, ctx, {
      configurationSet: this.configurationSet,
      messageIdTag: this.messageIdTag,
      providerOptions: options,
    });
  }

  protected call(request: SesRequest): Promise<SesResponse> {
    return request.kind === 'single'
      ? this.client.send(new SendEmailCommand(request.input))
      : this.client.send(new SendBulkEmailCommand(request.input));
  }

  protected recipientsOf(request: SesRequest): readonly string[] {
    return request.kind === 'single' ? request.recipients : [...request.to, ...request.copies];
  }

  protected parseStatus(request: SesRequest, response: SesResponse): CallOutcome {
    if (request.kind === 'single') {
      const messageId = (response as SendEmailCommandOutput).MessageId;
      const result: RecipientOutcome = messageId
        ? { status: 'queued', providerMessageId: messageId }
        : { status: 'unknown', detail: 'SES accepted the request but returned no MessageId' };
      return { recipients: Object.fromEntries(request.recipients.map((r) => [r, result])), providerMessageId: messageId };
    }
    return { recipients: parseBulk(request, (response as SendBulkEmailCommandOutput).BulkEmailEntryResults ?? []) };
  }
}

/** One outcome per `to` (results come back in entry order); cc/bcc take the best of their copies. */
function parseBulk(
  request: SesBulkRequest,
  results: NonNullable<SendBulkEmailCommandOutput['BulkEmailEntryResults']>,
): Record<string, RecipientOutcome> {
  const recipients: Record<string, RecipientOutcome> = {};
  if (results.length !== request.to.length) {
    const detail = `SES returned ${results.length} results for ${request.to.length} entries`;
    for (const r of [...request.to, ...request.copies]) recipients[r] = { status: 'unknown', detail };
    return recipients;
  }
  const outcomes = request.to.map((to, i) => {
    const entry = results[i]!;
    const mapped = bulkStatusOutcome(entry.Status);
    const outcome: RecipientOutcome = {
      status: mapped.status,
      ...(entry.MessageId ? { providerMessageId: entry.MessageId } : {}),
      ...(mapped.code ? { code: mapped.code } : {}),
      ...(mapped.status !== 'queued' ? { detail: entry.Error ?? entry.Status ?? 'no status' } : {}),
      ...(mapped.retryable ? { retryable: true } : {}),
    };
    recipients[to] = outcome;
    return outcome;
  });
  const accepted = outcomes.filter((o) => o.status === 'queued').length;
  const { providerMessageId: _firstId, ...firstFailure } = outcomes[0]!;
  for (const copy of request.copies) {
    if (copy in recipients) continue;
    recipients[copy] = accepted > 0 ? { status: 'queued', detail: `copied on ${accepted} of ${outcomes.length} messages` } : firstFailure;
  }
  return recipients;
}

/** Base64 grows content by 4/3 plus line breaks; text parts are counted as they are. */
function estimateEncodedSize(m: EmailMessage, attachmentBytes: readonly number[]): number {
  const bodies = (m.text?.length ?? 0) + (m.html?.length ?? 0) + (m.amp?.length ?? 0);
  return bodies + attachmentBytes.reduce((sum, n) => sum + Math.ceil(n / 3) * 4 * (78 / 76), 0);
}
