/**
 * Local fake of Resend's emails API: POST /emails and POST /emails/batch, Bearer auth,
 * Idempotency-Key.
 *
 * Written from:
 * - Send email: https://resend.com/docs/api-reference/emails/send-email
 * - Send batch emails (max 100, strict or permissive validation via x-batch-validation):
 *   https://resend.com/docs/api-reference/emails/send-batch-emails
 * - Errors: https://resend.com/docs/api-reference/errors
 * - Idempotency keys (same key + same body → same response; same key + other body → 409
 *   invalid_idempotent_request; 1-256 characters; kept 24 hours):
 *   https://resend.com/docs/dashboard/emails/idempotency-keys
 */
import { createHash, randomBytes } from 'node:crypto';
import { header, parseJson } from '../../fakes/body.js';
import type { FakeRequest, FakeResponse } from '../../fakes/http.js';
import { MessageLog, startHttpFake } from '../../fakes/start.js';
import type { FakeOptions, RunningFake } from '../../fakes/types.js';
import { type ResendEmail, type ResendError, recordEmail, resendError, validateEmail } from './fake-message.js';
import { resendWebhook } from './fake-webhook.js';

export interface ResendFakeCredentials {
  readonly apiKey: string;
}
export interface ResendWebhookCredentials {
  /** The endpoint's signing secret, `whsec_` + base64, as Resend shows it. */
  readonly signingSecret: string;
}

const DEFAULTS: ResendFakeCredentials = { apiKey: 're_fake_resend_api_key' };
const MAX_BATCH = 100;
const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

const reply = (e: ResendError): FakeResponse => ({ status: e.statusCode, body: e });
const MISSING_KEY = reply(resendError(401, 'missing_api_key', 'Missing API key in the authorization header.'));
const INVALID_KEY = reply(resendError(403, 'invalid_api_key', 'API key is invalid.'));
const RATE_LIMITED = reply(resendError(429, 'rate_limit_exceeded', 'Too many requests. Please limit the number of requests per second.'));

type Remembered = { hash: string; response: FakeResponse; at: number };

export async function startResendFake(
  opts: FakeOptions<ResendFakeCredentials>,
): Promise<RunningFake<ResendFakeCredentials, ResendWebhookCredentials>> {
  const credentials = { ...DEFAULTS, ...opts.credentials };
  const webhookCredentials = { signingSecret: `whsec_${randomBytes(24).toString('base64')}` };
  const log = new MessageLog();
  const idempotency = new Map<string, Remembered>();
  let eventSeq = 0;

  const sendOne = (m: ResendEmail): { id: string } => {
    // Resend ids are UUIDs; ours count up in the last group.
    const id = `00000000-0000-4000-a000-${String(log.nextSeq()).padStart(12, '0')}`;
    log.add(recordEmail(m, id, new Date().toISOString()));
    return { id };
  };

  const handle = (req: FakeRequest, body: unknown): FakeResponse => {
    if (req.path === '/emails') {
      const error = validateEmail(body as ResendEmail, false);
      return error ? reply(error) : { status: 200, body: sendOne(body as ResendEmail) };
    }
    if (!Array.isArray(body)) return reply(resendError(422, 'validation_error', 'The request body must be an array of emails.'));
    if (body.length > MAX_BATCH)
      return reply(resendError(422, 'validation_error', `Too many emails in the batch. The maximum is ${MAX_BATCH}.`));
    const errors = body.map((m: ResendEmail, index) => ({ index, error: validateEmail(m, true) }));
    const permissive = header(req, 'x-batch-validation') === 'permissive';
    const firstError = errors.find((e) => e.error)?.error;
    // Strict (the default): one invalid email fails the whole batch and nothing is sent.
    if (!permissive && firstError) return reply(firstError);
    const data = body.flatMap((m: ResendEmail, i) => (errors[i]!.error ? [] : [sendOne(m)]));
    const failed = errors.flatMap((e) => (e.error ? [{ index: e.index, message: e.error.message }] : []));
    return { status: 200, body: permissive ? { data, errors: failed } : { data } };
  };

  const api = (req: FakeRequest): FakeResponse => {
    if ((req.path !== '/emails' && req.path !== '/emails/batch') || req.method !== 'POST')
      return reply(resendError(404, 'not_found', 'The requested endpoint does not exist.'));
    const auth = header(req, 'authorization');
    if (!auth) return MISSING_KEY;
    if (auth !== `Bearer ${credentials.apiKey}`) return INVALID_KEY;
    let body: unknown;
    try {
      body = parseJson(req);
    } catch {
      return reply(resendError(422, 'validation_error', 'The request body is not valid JSON.'));
    }
    const key = header(req, 'idempotency-key');
    if (key === undefined) return handle(req, body);
    if (key.length < 1 || key.length > 256)
      return reply(resendError(400, 'invalid_idempotency_key', 'The key must be between 1-256 chars.'));
    const scoped = `${req.path} ${key}`;
    const hash = createHash('sha256').update(req.body).digest('hex');
    const seen = idempotency.get(scoped);
    if (seen && Date.now() - seen.at < IDEMPOTENCY_TTL_MS) {
      if (seen.hash !== hash)
        return reply(resendError(409, 'invalid_idempotent_request', 'Same idempotency key used with a different request payload.'));
      return seen.response;
    }
    const response = handle(req, body);
    // Only an accepted request is remembered: a failed one may be retried with the same key.
    if (response.status === 200) idempotency.set(scoped, { hash, response, at: Date.now() });
    return response;
  };

  const server = await startHttpFake({
    port: opts.port,
    instance: opts.instance,
    webhookBaseUrl: opts.webhookBaseUrl,
    log,
    api,
    faultResponse: (status) =>
      status === 429
        ? RATE_LIMITED
        : status === 401
          ? MISSING_KEY
          : status === 403
            ? INVALID_KEY
            : reply(resendError(status, 'application_error', 'An unexpected error occurred.')),
    buildWebhook: (message, event) => resendWebhook(message, event, webhookCredentials.signingSecret, ++eventSeq, new Date()),
  });
  return { baseUrl: server.baseUrl, credentials, webhookCredentials, stop: server.stop };
}
