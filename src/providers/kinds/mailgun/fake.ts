/**
 * Local fake of Mailgun's messages API (US https://api.mailgun.net and EU
 * https://api.eu.mailgun.net both map here: point the adapter's base URL at `baseUrl`).
 *
 * Written from:
 * - Send an email, POST /v3/{domain_name}/messages:
 *   https://documentation.mailgun.com/docs/mailgun/api-reference/send/mailgun/messages
 * - Sending over HTTP (basic auth `api:KEY`, 25 MB limit, address errors):
 *   https://documentation.mailgun.com/docs/mailgun/user-manual/sending-messages/send-http
 * - Batch sending and recipient-variables:
 *   https://documentation.mailgun.com/docs/mailgun/user-manual/sending-messages/batch-sending
 * Webhooks are built in ./fake-webhook.ts.
 */
import { isValidAddress, splitAddresses } from '../../fakes/address.js';
import { header, type ParsedForm, parseForm } from '../../fakes/body.js';
import type { FakeRequest, FakeResponse } from '../../fakes/http.js';
import { MessageLog, startHttpFake } from '../../fakes/start.js';
import type { FakeMessage, FakeOptions, RunningFake } from '../../fakes/types.js';
import { mailgunWebhook } from './fake-webhook.js';

export interface MailgunFakeCredentials {
  readonly apiKey: string;
  /** The one sending domain the fake knows; any other is 404 "Domain not found". */
  readonly domain: string;
}
export interface MailgunWebhookCredentials {
  /** The HTTP webhook signing key (Mailgun console: Sending → Webhooks). */
  readonly signingKey: string;
}

const DEFAULTS: MailgunFakeCredentials = { apiKey: 'fake-mailgun-api-key', domain: 'mg.example.com' };
const SIGNING_KEY = 'fake-mailgun-webhook-signing-key';

const bad = (message: string): FakeResponse => ({ status: 400, body: { message } });

/** Mailgun answers a wrong key with a bare text body, not JSON. */
const FORBIDDEN: FakeResponse = { status: 401, body: 'Forbidden' };

function authorized(req: FakeRequest, apiKey: string): boolean {
  const auth = header(req, 'authorization') ?? '';
  if (!auth.startsWith('Basic ')) return false;
  return Buffer.from(auth.slice(6), 'base64').toString('utf8') === `api:${apiKey}`;
}

const all = (form: ParsedForm, name: string): string[] => form.fields.filter(([k]) => k === name).map(([, v]) => v);
const one = (form: ParsedForm, name: string): string | undefined => all(form, name)[0];
const prefixed = (form: ParsedForm, prefix: string): Record<string, string> =>
  Object.fromEntries(form.fields.filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));

/** `h:X-Mailgun-Variables` (a JSON object) is the documented alternative to `v:` fields. */
function mailgunVariablesHeader(form: ParsedForm): Record<string, string> {
  const raw = one(form, 'h:X-Mailgun-Variables');
  if (!raw) return {};
  try {
    const parsed = JSON.parse(raw) as unknown;
    if (typeof parsed !== 'object' || parsed === null) return {};
    return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
  } catch {
    return {};
  }
}

/** Validation in the order Mailgun reports it; the first problem is the one answered. */
function validate(form: ParsedForm): FakeResponse | undefined {
  const from = one(form, 'from');
  if (!from) return bad('from parameter is missing');
  if (!isValidAddress(from)) return bad('from parameter is not a valid address. please check documentation');
  const to = all(form, 'to').flatMap(splitAddresses);
  if (to.length === 0) return bad('to parameter is missing');
  for (const field of ['to', 'cc', 'bcc']) {
    if (
      all(form, field)
        .flatMap(splitAddresses)
        .some((a) => !isValidAddress(a))
    )
      return bad(`${field} parameter is not a valid address. please check documentation`);
  }
  const template = one(form, 'template');
  if (!template && !one(form, 'subject')) return bad('subject parameter is missing');
  if (!template && !one(form, 'text') && !one(form, 'html') && !one(form, 'amp-html'))
    return bad("Need at least one of 'text', 'html', 'amp-html' or 'template' parameters specified");
  const rv = one(form, 'recipient-variables');
  if (rv !== undefined) {
    try {
      JSON.parse(rv);
    } catch {
      return bad('recipient-variables parameter is not a valid JSON');
    }
  }
  return undefined;
}

function record(form: ParsedForm, id: string): FakeMessage {
  const list = (name: string) => all(form, name).flatMap(splitAddresses);
  const options = prefixed(form, 'o:');
  delete options.tag;
  return {
    id,
    from: one(form, 'from'),
    to: list('to'),
    cc: list('cc'),
    bcc: list('bcc'),
    replyTo: prefixed(form, 'h:')['Reply-To'] ? [prefixed(form, 'h:')['Reply-To']!] : [],
    subject: one(form, 'subject'),
    text: one(form, 'text'),
    html: one(form, 'html'),
    attachments: form.files
      .filter((f) => f.field === 'attachment' || f.field === 'inline')
      .map((f) => ({
        filename: f.filename,
        contentType: f.contentType,
        size: f.size,
        disposition: f.field === 'inline' ? ('inline' as const) : ('attachment' as const),
        // Mailgun gives an inline file the Content-ID of its filename (cid:filename in html).
        ...(f.field === 'inline' ? { contentId: f.filename } : {}),
      })),
    headers: prefixed(form, 'h:'),
    tags: all(form, 'o:tag'),
    metadata: { ...mailgunVariablesHeader(form), ...prefixed(form, 'v:') },
    extra: {
      options,
      ...(one(form, 'template') ? { template: one(form, 'template') } : {}),
      ...(one(form, 'recipient-variables') ? { recipientVariables: JSON.parse(one(form, 'recipient-variables')!) } : {}),
      ...(Object.keys(prefixed(form, 't:')).length ? { templateOptions: prefixed(form, 't:') } : {}),
    },
  };
}

export async function startMailgunFake(
  opts: FakeOptions<MailgunFakeCredentials>,
): Promise<RunningFake<MailgunFakeCredentials, MailgunWebhookCredentials>> {
  const credentials = { ...DEFAULTS, ...opts.credentials };
  const webhookCredentials = { signingKey: SIGNING_KEY };
  const log = new MessageLog();
  let eventSeq = 0;

  const api = async (req: FakeRequest): Promise<FakeResponse> => {
    const m = /^\/v3\/([^/]+)\/messages$/.exec(req.path);
    if (!m || req.method !== 'POST') return { status: 404, body: { message: 'Not Found' } };
    if (!authorized(req, credentials.apiKey)) return FORBIDDEN;
    const domain = decodeURIComponent(m[1]!);
    if (domain !== credentials.domain) return { status: 404, body: { message: `Domain not found: ${domain}` } };
    let form: ParsedForm;
    try {
      form = await parseForm(req);
    } catch {
      return bad('Invalid request body: expected multipart/form-data or application/x-www-form-urlencoded');
    }
    const invalid = validate(form);
    if (invalid) return invalid;
    // Mailgun ids look like <20260101120000.1.ABCDEF@domain>; ours count up deterministically.
    const messageIdHeader = `${String(log.nextSeq()).padStart(8, '0')}.fake@${domain}`;
    const id = `<${messageIdHeader}>`;
    log.add(record(form, id));
    return { status: 200, body: { id, message: 'Queued. Thank you.' } };
  };

  const server = await startHttpFake({
    port: opts.port,
    instance: opts.instance,
    webhookBaseUrl: opts.webhookBaseUrl,
    log,
    api,
    faultResponse: (status) =>
      status === 401 ? FORBIDDEN : { status, body: { message: status === 429 ? 'Too Many Requests' : `fake fault ${status}` } },
    buildWebhook: (message, event) => mailgunWebhook(message, event, webhookCredentials.signingKey, ++eventSeq, new Date()),
  });
  return { baseUrl: server.baseUrl, credentials, webhookCredentials, stop: server.stop };
}
