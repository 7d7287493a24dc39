/**
 * Local fake of Postmark's email API: POST /email, /email/batch, /email/withTemplate and
 * /email/batchWithTemplates, authenticated with the X-Postmark-Server-Token header.
 *
 * Written from:
 * - Authentication and error codes: https://postmarkapp.com/developer/api/overview
 * - Email API (single and batch): https://postmarkapp.com/developer/api/email-api
 * - Templates API (withTemplate, batchWithTemplates): https://postmarkapp.com/developer/api/templates-api
 * A recipient becomes inactive after a `bounced` or `complained` `_fake/events` (as Postmark
 * deactivates hard bounces and complaints); sending only to inactive recipients is ErrorCode 406.
 */
import { bareAddress } from '../../fakes/address.js';
import { header, parseJson } from '../../fakes/body.js';
import type { FakeRequest, FakeResponse } from '../../fakes/http.js';
import { MessageLog, startHttpFake } from '../../fakes/start.js';
import type { FakeOptions, RunningFake } from '../../fakes/types.js';
import { type PostmarkMessage, recordMessage, validateMessage } from './fake-message.js';
import { postmarkWebhook } from './fake-webhook.js';

export interface PostmarkFakeCredentials {
  readonly serverToken: string;
  /** When set, a From outside this domain is ErrorCode 400 (sender signature not found). */
  readonly senderDomain?: string;
}
export interface PostmarkWebhookCredentials {
  /** The basic-auth user and password embedded in the webhook URL pasted into Postmark. */
  readonly username: string;
  readonly password: string;
}

const DEFAULTS: PostmarkFakeCredentials = { serverToken: 'fake-postmark-server-token' };
const WEBHOOK_AUTH: PostmarkWebhookCredentials = { username: 'postmark', password: 'fake-postmark-webhook-password' };
const MAX_BATCH = 500;

const err = (status: number, ErrorCode: number, Message: string): FakeResponse => ({ status, body: { ErrorCode, Message } });
const MISSING_TOKEN = err(
  401,
  10,
  'No Account or Server API tokens were supplied in the HTTP headers. Please add a header for either X-Postmark-Server-Token or X-Postmark-Account-Token.',
);
const BAD_TOKEN = err(
  401,
  10,
  'The Server Token you provided in the X-Postmark-Server-Token request header was invalid. Please verify that you are using a valid token.',
);

const ROUTES: Record<string, { batch: boolean; template: boolean }> = {
  '/email': { batch: false, template: false },
  '/email/batch': { batch: true, template: false },
  '/email/withTemplate': { batch: false, template: true },
  '/email/batchWithTemplates': { batch: true, template: true },
};

export async function startPostmarkFake(
  opts: FakeOptions<PostmarkFakeCredentials>,
): Promise<RunningFake<PostmarkFakeCredentials, PostmarkWebhookCredentials>> {
  const credentials = { ...DEFAULTS, ...opts.credentials };
  const webhookCredentials = WEBHOOK_AUTH;
  const log = new MessageLog();
  const inactive = new Set<string>();
  let eventSeq = 0;

  /** Sends one message: a Postmark result object, ErrorCode 0 on success. */
  const sendOne = (m: PostmarkMessage, template: boolean) => {
    const error = validateMessage(m, { template, senderDomain: credentials.senderDomain, inactive });
    if (error) return { ...error, To: m?.To ?? '' };
    // Postmark MessageIDs are UUIDs; ours count up in the last group.
    const id = `00000000-0000-4000-8000-${String(log.nextSeq()).padStart(12, '0')}`;
    const SubmittedAt = new Date().toISOString();
    log.add(recordMessage(m, id, SubmittedAt));
    return { To: m.To ?? '', SubmittedAt, MessageID: id, ErrorCode: 0, Message: 'OK' };
  };

  const api = (req: FakeRequest): FakeResponse => {
    const route = ROUTES[req.path];
    if (!route || req.method !== 'POST') return err(404, 404, 'Not found');
    const token = header(req, 'x-postmark-server-token');
    if (!token) return MISSING_TOKEN;
    if (token !== credentials.serverToken) return BAD_TOKEN;
    let body: unknown;
    try {
      body = parseJson(req);
    } catch {
      return err(422, 402, 'Received invalid JSON input.');
    }
    if (!route.batch) {
      const result = sendOne(body as PostmarkMessage, route.template);
      return { status: result.ErrorCode === 0 ? 200 : 422, body: result };
    }
    // /email/batchWithTemplates wraps the list as {Messages: [...]}; /email/batch is a bare array.
    const list = route.template ? (body as { Messages?: unknown })?.Messages : body;
    if (!Array.isArray(list)) return err(422, 403, 'Incompatible JSON input.');
    if (list.length > MAX_BATCH) return err(422, 410, `Too many batch messages. The maximum is ${MAX_BATCH}.`);
    // A batch is 200 with one result per message, each with its own ErrorCode.
    return { status: 200, body: list.map((m: PostmarkMessage) => sendOne(m, route.template)) };
  };

  const server = await startHttpFake({
    port: opts.port,
    instance: opts.instance,
    webhookBaseUrl: opts.webhookBaseUrl,
    log,
    api,
    faultResponse: (status) =>
      status === 401 ? BAD_TOKEN : status === 429 ? err(429, 429, 'Rate limit exceeded.') : err(status, 100, 'Maintenance'),
    buildWebhook: (message, event) => {
      if (event === 'bounced' || event === 'complained') inactive.add(bareAddress(message.to[0] ?? '').toLowerCase());
      return postmarkWebhook(message, event, webhookCredentials, ++eventSeq, new Date());
    },
  });
  return { baseUrl: server.baseUrl, credentials, webhookCredentials, stop: server.stop };
}
