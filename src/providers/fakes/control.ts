/**
 * The `_fake` control API every fake serves (docs/contract.md §7):
 * `GET /_fake/messages`, `POST|DELETE /_fake/faults`, `POST /_fake/events`.
 */
import { z } from 'zod';
import { parseJson } from './body.js';
import { type Faults, faultSchema } from './faults.js';
import type { FakeRequest, FakeResponse, Handler } from './http.js';
import type { MessageLog } from './log.js';
import { FAKE_EVENTS, type FakeEventName, type FakeMessage } from './types.js';
import { postWebhook, trackingUrl, type WebhookRequest } from './webhook.js';

/** Thrown by a fake whose provider has no native event for a normalized name. */
export class UnsupportedFakeEventError extends Error {
  override readonly name = 'UnsupportedFakeEventError';
}

const eventSchema = z.object({ messageId: z.string().min(1), event: z.enum(FAKE_EVENTS) });

export interface ControlOptions {
  readonly log: MessageLog;
  readonly faults: Faults;
  readonly instance: string;
  readonly webhookBaseUrl?: string;
  /** Builds the provider's native, signed webhook for one event about one message. */
  readonly buildWebhook: (message: FakeMessage, event: FakeEventName) => WebhookRequest;
}

type Parsed<T> = { ok: true; value: T } | { ok: false; response: FakeResponse };

function parsed<T>(schema: z.ZodType<T>, req: FakeRequest): Parsed<T> {
  let raw: unknown;
  try {
    raw = parseJson(req);
  } catch {
    return { ok: false, response: { status: 400, body: { error: 'body is not valid JSON' } } };
  }
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, response: { status: 400, body: { error: z.prettifyError(result.error) } } };
}

export function controlHandler(opts: ControlOptions): Handler {
  return async (req) => {
    const route = `${req.method} ${req.path}`;
    switch (route) {
      case 'GET /_fake/messages':
        return { status: 200, body: opts.log.list() };
      case 'POST /_fake/faults': {
        const spec = parsed(faultSchema, req);
        if (!spec.ok) return spec.response;
        opts.faults.set(spec.value);
        return { status: 200, body: { fault: spec.value } };
      }
      case 'DELETE /_fake/faults':
        opts.faults.clear();
        return { status: 204 };
      case 'POST /_fake/events': {
        const parsedEvent = parsed(eventSchema, req);
        if (!parsedEvent.ok) return parsedEvent.response;
        const ev = parsedEvent.value;
        const message = opts.log.get(ev.messageId);
        if (!message) return { status: 404, body: { error: `no message ${ev.messageId}` } };
        let request: WebhookRequest;
        try {
          request = opts.buildWebhook(message, ev.event);
        } catch (err) {
          if (err instanceof UnsupportedFakeEventError) return { status: 422, body: { error: err.message } };
          throw err;
        }
        if (!opts.webhookBaseUrl) return { status: 409, body: { error: 'this fake was started without webhookBaseUrl' } };
        const url = trackingUrl(opts.webhookBaseUrl, opts.instance);
        try {
          const result = await postWebhook(url, request);
          return { status: 200, body: { ...result, request } };
        } catch (err) {
          return { status: 502, body: { error: `webhook POST to ${url} failed: ${String(err)}` } };
        }
      }
      default:
        return { status: 404, body: { error: `no control route ${route}` } };
    }
  };
}
