/**
 * The base flow with an HTTP transport: a minimal SMS adapter (as issue 11's adapters will be
 * written) over the shared HttpClient, against a node:http server on 127.0.0.1 started and
 * closed here. HTTP answers and network failures reach the send pipeline's classification
 * with the same meaning SES/SNS errors have.
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmsMessage } from '../../../src/contract/message.js';
import { smsMessageSchema } from '../../../src/contract/sms.js';
import { BaseSmsProvider, type CallOutcome } from '../../../src/providers/base.js';
import { type ErrorRules, providerCodeRules } from '../../../src/providers/classify.js';
import { PermanentProviderError, TransientProviderError } from '../../../src/providers/errors.js';
import { formBody } from '../../../src/providers/http/body.js';
import { HttpClient, type HttpResponse } from '../../../src/providers/http/client.js';
import { withSegments } from '../../../src/providers/sms/segments.js';
import type { SendResult, SmsCapabilities } from '../../../src/providers/types.js';
import { classifySendFailure } from '../../../src/send/errors.js';

class ExampleSmsProvider extends BaseSmsProvider<{ to: string; body: string }, HttpResponse> {
  readonly name = 'example';
  readonly capabilities: SmsCapabilities = {
    senderId: false,
    originationNumber: false,
    maxPrice: false,
    mms: false,
    promotional: false,
    sendAt: false,
  };
  protected override readonly errorRules: ErrorRules = providerCodeRules({ '21610': { retryable: false, code: 'opted_out' } });
  constructor(
    private readonly http: HttpClient,
    private readonly baseUrl: string,
  ) {
    super();
  }
  protected async buildPayload(m: SmsMessage) {
    return [{ to: m.to, body: m.body }];
  }
  protected call(request: { to: string; body: string }) {
    return this.http.request({
      method: 'POST',
      url: `${this.baseUrl}/messages`,
      body: formBody({ To: request.to, Body: request.body }),
      timeoutMs: 200,
    });
  }
  protected recipientsOf(request: { to: string }) {
    return [request.to];
  }
  protected parseStatus(request: { to: string }, response: HttpResponse): CallOutcome {
    const id = (response.body as { sid?: string }).sid;
    return { recipients: { [request.to]: { status: 'queued', ...(id ? { providerMessageId: id } : {}) } }, providerMessageId: id };
  }
  protected override finish(result: SendResult, message: SmsMessage): SendResult {
    return withSegments(result, message);
  }
}

let server: http.Server;
let answer: (res: http.ServerResponse) => void = () => undefined;
let provider: ExampleSmsProvider;
const client = new HttpClient({ sleep: async () => undefined });
const ctx = { messageId: 'm-1', attempt: 1, ignoreUnsupportedFeatures: false };
const message = smsMessageSchema.parse({ channel: 'sms', to: '+14155552671', body: 'hello' });

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => answer(res));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  provider = new ExampleSmsProvider(client, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});

afterAll(async () => {
  client.close();
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
});

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}) =>
  (res: http.ServerResponse) =>
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));

async function sendFailure(): Promise<unknown> {
  try {
    await provider.send(message, ctx);
  } catch (error) {
    return error;
  }
  throw new Error('expected the send to fail');
}

describe('an HTTP adapter in the base flow', () => {
  it('sends and reports the recipient queued with the provider id', async () => {
    answer = json(201, { sid: 'SM1' });
    await expect(provider.send(message, ctx)).resolves.toMatchObject({
      providerMessageId: 'SM1',
      recipients: { '+14155552671': { status: 'queued' } },
      smsSegments: 1,
    });
  });

  it('a documented provider code → permanent, the recipient settled as the code says', async () => {
    answer = json(400, { code: 21610, message: 'Attempt to send to unsubscribed recipient' });
    const error = await sendFailure();
    expect(error).toBeInstanceOf(PermanentProviderError);
    expect(error).toMatchObject({
      code: 'opted_out',
      accepted: 'no',
      providerCode: '21610',
      recipients: { '+14155552671': { status: 'rejected', code: 'opted_out' } },
    });
    expect(classifySendFailure(error).kind).toBe('permanent');
  });

  it('429 with Retry-After → throttle for the pipeline; 401 → permanent; 503 → transient, not accepted', async () => {
    answer = json(429, { message: 'Too many requests' }, { 'retry-after': '3' });
    const throttled = await sendFailure();
    expect(throttled).toMatchObject({ code: 'throttled', throttled: true, accepted: 'no', retryAfterSeconds: 3 });
    expect(classifySendFailure(throttled).kind).toBe('throttle');

    answer = json(401, { message: 'Authenticate' });
    expect(classifySendFailure(await sendFailure())).toMatchObject({ kind: 'permanent', error: { code: 'unauthorized' } });

    answer = json(503, { message: 'Service unavailable' });
    const unavailable = await sendFailure();
    expect(unavailable).toBeInstanceOf(TransientProviderError);
    expect(unavailable).toMatchObject({ code: 'unavailable', accepted: 'no' });
    expect(classifySendFailure(unavailable).kind).toBe('transient');
  });

  it('a provider that never answers → transient timeout, maybe accepted', async () => {
    answer = () => undefined;
    const error = await sendFailure();
    expect(error).toMatchObject({ code: 'timeout', retryable: true, accepted: 'maybe' });
    expect(classifySendFailure(error).kind).toBe('transient');
  });
});
