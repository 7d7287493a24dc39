/**
 * Local fake of SendGrid's v3 Mail Send API.
 *
 * Written from:
 * - Mail Send, POST /v3/mail/send (202 + X-Message-Id, 400 {errors:[{message, field, help}]},
 *   401, 413 over 30 MB, 429): https://www.twilio.com/docs/sendgrid/api-reference/mail-send/mail-send
 * - Authentication (Bearer API key): https://www.twilio.com/docs/sendgrid/for-developers/sending-email/authentication
 * Webhooks are built in ./fake-webhook.ts.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { isValidAddress } from '../../fakes/address.js';
import { header, parseJson } from '../../fakes/body.js';
import type { FakeRequest, FakeResponse } from '../../fakes/http.js';
import { MessageLog, startHttpFake } from '../../fakes/start.js';
import type { FakeMessage, FakeOptions, RunningFake } from '../../fakes/types.js';
import { sendgridWebhook } from './fake-webhook.js';

export interface SendgridFakeCredentials {
  readonly apiKey: string;
}
export interface SendgridWebhookCredentials {
  /** The Signed Event Webhook verification key, base64 DER SubjectPublicKeyInfo as SendGrid shows it. */
  readonly publicKey: string;
}

const DEFAULTS: SendgridFakeCredentials = { apiKey: 'SG.fake-sendgrid-api-key' };
const MAX_BYTES = 30 * 1024 * 1024;

type Email = { email?: unknown; name?: unknown };
type Personalization = {
  to?: Email[];
  cc?: Email[];
  bcc?: Email[];
  subject?: string;
  headers?: Record<string, string>;
  custom_args?: Record<string, string>;
  dynamic_template_data?: unknown;
  send_at?: number;
};
type Attachment = { content?: string; filename?: string; type?: string; disposition?: string; content_id?: string };
type MailSend = {
  personalizations?: Personalization[];
  from?: Email;
  reply_to?: Email;
  reply_to_list?: Email[];
  subject?: string;
  content?: Array<{ type?: string; value?: string }>;
  attachments?: Attachment[];
  template_id?: string;
  headers?: Record<string, string>;
  categories?: string[];
  custom_args?: Record<string, string>;
  send_at?: number;
  batch_id?: string;
  asm?: unknown;
  mail_settings?: unknown;
  tracking_settings?: unknown;
};

/** SendGrid's error body: a list of problems, each naming the JSON path of the field. */
const errors = (status: number, ...list: Array<{ message: string; field?: string | null; help?: string | null }>): FakeResponse => ({
  status,
  body: { errors: list.map((e) => ({ message: e.message, field: e.field ?? null, help: e.help ?? null })) },
});
const UNAUTHORIZED = errors(401, { message: 'The provided authorization grant is invalid, expired, or revoked' });
const HELP = 'http://sendgrid.com/docs/API_Reference/Web_API_v3/Mail/errors.html';

function validate(body: MailSend): FakeResponse | undefined {
  const problems: Array<{ message: string; field: string; help: string }> = [];
  const add = (field: string, message: string, anchor: string) => problems.push({ field, message, help: `${HELP}#message.${anchor}` });
  if (!Array.isArray(body.personalizations) || body.personalizations.length === 0)
    add('personalizations', 'The personalizations field is required and must have at least one personalization.', 'personalizations');
  body.personalizations?.forEach((p, i) => {
    if (!Array.isArray(p.to) || p.to.length === 0)
      add(
        `personalizations.${i}.to`,
        'The to array is required for all personalization objects, and must have at least one email object with a valid email address.',
        'personalizations.to',
      );
    for (const kind of ['to', 'cc', 'bcc'] as const)
      p[kind]?.forEach((e, j) => {
        if (typeof e.email !== 'string' || !isValidAddress(e.email))
          add(`personalizations.${i}.${kind}.${j}.email`, 'Does not contain a valid address.', `personalizations.${kind}`);
      });
  });
  if (typeof body.from?.email !== 'string')
    add(
      'from',
      'The from object must be provided for every email send. It is an object that requires the email parameter, but may also contain a name parameter.',
      'from',
    );
  else if (!isValidAddress(body.from.email)) add('from.email', 'The from email does not contain a valid address.', 'from');
  const hasSubject = typeof body.subject === 'string' || body.personalizations?.every((p) => typeof p.subject === 'string');
  if (!hasSubject && !body.template_id)
    add(
      'subject',
      'The subject is required. You can get around this requirement if you use a template with a subject defined or if every personalization has a subject defined.',
      'subject',
    );
  const contents = body.content ?? [];
  if (!body.template_id && contents.length === 0)
    add(
      'content',
      'Unless a valid template_id is provided, the content parameter is required. There must be at least one defined content block.',
      'content',
    );
  contents.forEach((c, i) => {
    if (typeof c.value !== 'string' || c.value.length === 0)
      add(`content.${i}.value`, 'The content value must be a string at least one character in length.', 'content.value');
  });
  body.attachments?.forEach((a, i) => {
    if (typeof a.content !== 'string' || a.content.length === 0)
      add(`attachments.${i}.content`, 'The attachment content is required.', 'attachments.content');
    if (typeof a.filename !== 'string' || a.filename.length === 0)
      add(`attachments.${i}.filename`, 'The attachment filename parameter is required.', 'attachments.filename');
    if (a.disposition === 'inline' && !a.content_id)
      add(`attachments.${i}.content_id`, 'The content_id parameter is required if disposition is inline.', 'attachments.content_id');
  });
  return problems.length ? errors(400, ...problems) : undefined;
}

const fmt = (e: Email) => (typeof e.name === 'string' && e.name ? `${e.name} <${String(e.email)}>` : String(e.email));

function record(body: MailSend, id: string): FakeMessage {
  const ps = body.personalizations ?? [];
  const content = (type: string) => body.content?.find((c) => c.type === type)?.value;
  return {
    id,
    from: body.from ? fmt(body.from) : undefined,
    to: ps.flatMap((p) => (p.to ?? []).map(fmt)),
    cc: ps.flatMap((p) => (p.cc ?? []).map(fmt)),
    bcc: ps.flatMap((p) => (p.bcc ?? []).map(fmt)),
    replyTo: [...(body.reply_to ? [fmt(body.reply_to)] : []), ...(body.reply_to_list ?? []).map(fmt)],
    subject: body.subject ?? ps[0]?.subject,
    text: content('text/plain'),
    html: content('text/html'),
    attachments: (body.attachments ?? []).map((a) => ({
      filename: a.filename ?? '',
      contentType: a.type ?? 'application/octet-stream',
      size: Buffer.from(a.content ?? '', 'base64').length,
      disposition: a.disposition === 'inline' ? ('inline' as const) : ('attachment' as const),
      ...(a.content_id ? { contentId: a.content_id } : {}),
    })),
    headers: { ...body.headers, ...ps[0]?.headers },
    tags: body.categories ?? [],
    // custom_args on the message merged with the first personalization's, as SendGrid does per personalization.
    metadata: { ...body.custom_args, ...ps[0]?.custom_args },
    extra: {
      personalizations: ps,
      ...(body.template_id ? { templateId: body.template_id } : {}),
      ...(body.send_at !== undefined ? { sendAt: body.send_at } : {}),
      ...(body.batch_id ? { batchId: body.batch_id } : {}),
    },
  };
}

export async function startSendgridFake(
  opts: FakeOptions<SendgridFakeCredentials>,
): Promise<RunningFake<SendgridFakeCredentials, SendgridWebhookCredentials>> {
  const credentials = { ...DEFAULTS, ...opts.credentials };
  // SendGrid generates an ECDSA P-256 pair when the Signed Event Webhook is enabled.
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const webhookCredentials = { publicKey: publicKey.export({ type: 'spki', format: 'der' }).toString('base64') };
  const log = new MessageLog();
  let eventSeq = 0;

  const api = (req: FakeRequest): FakeResponse => {
    if (req.path !== '/v3/mail/send' || req.method !== 'POST') return errors(404, { message: 'Not Found' });
    if ((header(req, 'authorization') ?? '') !== `Bearer ${credentials.apiKey}`) return UNAUTHORIZED;
    if (req.body.length > MAX_BYTES)
      return errors(413, { message: 'The JSON payload you have included in your request is too large.', field: null, help: null });
    let body: MailSend;
    try {
      body = parseJson(req) as MailSend;
    } catch {
      return errors(400, { message: 'Bad Request', field: null, help: null });
    }
    const invalid = validate(body);
    if (invalid) return invalid;
    // SendGrid's X-Message-Id is 22 url-safe characters; ours counts up.
    const id = `fakeSG${String(log.nextSeq()).padStart(16, '0')}`;
    log.add(record(body, id));
    return { status: 202, headers: { 'x-message-id': id } };
  };

  const server = await startHttpFake({
    port: opts.port,
    instance: opts.instance,
    webhookBaseUrl: opts.webhookBaseUrl,
    log,
    api,
    faultResponse: (status) =>
      status === 401 ? UNAUTHORIZED : errors(status, { message: status === 429 ? 'too many requests' : `fake fault ${status}` }),
    buildWebhook: (message, event) => sendgridWebhook(message, event, privateKey as KeyObject, ++eventSeq, new Date()),
  });
  return { baseUrl: server.baseUrl, credentials, webhookCredentials, stop: server.stop };
}
