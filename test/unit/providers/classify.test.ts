/**
 * The transport-neutral classification table: every HTTP status row, every network error
 * code, the transport phases of our HTTP client, provider codes in bodies, and the same facts
 * carried onto the ProviderError the base flow throws. Expectations are written out here,
 * independently of the tables, and a coverage check fails when a table row has none.
 */
import { InternalErrorException, ThrottledException } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import {
  classifyHttpResponse,
  classifyHttpStatus,
  classifyNetworkCode,
  classifyTransportFailure,
  HTTP_STATUS_TABLE,
  NETWORK_TABLE,
  type ProviderCodeTable,
  providerCodeRules,
} from '../../../src/providers/classify.js';
import { PermanentProviderError, TransientProviderError, UnsupportedFeatureError } from '../../../src/providers/errors.js';
import { HttpStatusError, HttpTransportError } from '../../../src/providers/http/errors.js';
import { classifyFailure, providerCodeOf, translateProviderError } from '../../../src/providers/translate.js';

type Row = [status: number, retryable: boolean, code: string, accepted: 'no' | 'maybe', throttled?: boolean];

/** status → class; the family rows (3xx/4xx/5xx) are exercised by a status not listed on its own. */
const HTTP_ROWS: readonly Row[] = [
  [301, false, 'unexpected_redirect', 'no'],
  [307, false, 'unexpected_redirect', 'no'],
  [400, false, 'bad_request', 'no'],
  [401, false, 'unauthorized', 'no'],
  [402, false, 'payment_required', 'no'],
  [403, false, 'forbidden', 'no'],
  [404, false, 'not_found', 'no'],
  [408, true, 'request_timeout', 'no'],
  [409, false, 'conflict', 'no'],
  [413, false, 'payload_too_large', 'no'],
  [418, false, 'client_error', 'no'],
  [422, false, 'unprocessable', 'no'],
  [425, true, 'too_early', 'no'],
  [429, true, 'throttled', 'no', true],
  [500, true, 'provider_error', 'maybe'],
  [501, false, 'not_implemented', 'no'],
  [502, true, 'bad_gateway', 'maybe'],
  [503, true, 'unavailable', 'no'],
  [504, true, 'gateway_timeout', 'maybe'],
  [507, true, 'provider_error', 'maybe'],
];

const NETWORK_ROWS: readonly [code: string, cls: string, accepted: 'no' | 'maybe'][] = [
  ['ECONNREFUSED', 'network', 'no'],
  ['ENOTFOUND', 'network', 'no'],
  ['EAI_AGAIN', 'network', 'no'],
  ['EHOSTUNREACH', 'network', 'no'],
  ['ENETUNREACH', 'network', 'no'],
  ['ENETDOWN', 'network', 'no'],
  ['UND_ERR_CONNECT_TIMEOUT', 'network', 'no'],
  ['ERR_SOCKET_CONNECTION_TIMEOUT', 'network', 'no'],
  ['ECONNRESET', 'network', 'maybe'],
  ['ECONNABORTED', 'network', 'maybe'],
  ['EPIPE', 'network', 'maybe'],
  ['UND_ERR_SOCKET', 'network', 'maybe'],
  ['ETIMEDOUT', 'timeout', 'maybe'],
  ['UND_ERR_HEADERS_TIMEOUT', 'timeout', 'maybe'],
  ['UND_ERR_BODY_TIMEOUT', 'timeout', 'maybe'],
];

const statusError = (status: number, body: unknown = {}, retryAfterSeconds?: number) =>
  new HttpStatusError('POST', 'https://api.example.com/v1/send', status, {}, JSON.stringify(body), body, retryAfterSeconds);

describe('HTTP status × body → class', () => {
  it.each(HTTP_ROWS)('HTTP %i → retryable %s, %s, accepted %s', (status, retryable, code, accepted, throttled) => {
    expect(classifyHttpStatus(status)).toEqual({ retryable, code, accepted, ...(throttled ? { throttled } : {}) });
    const error = translateProviderError(statusError(status), 'acme');
    expect(error).toBeInstanceOf(retryable ? TransientProviderError : PermanentProviderError);
    expect(error).toMatchObject({ provider: 'acme', code, retryable, accepted, statusCode: status, throttled: throttled ?? false });
  });

  it('has an expectation for every row of the table', () => {
    const covered = (row: (typeof HTTP_STATUS_TABLE)[number]) =>
      typeof row.status === 'number'
        ? HTTP_ROWS.some(([s]) => s === row.status)
        : HTTP_ROWS.some(([s]) => `${Math.floor(s / 100)}xx` === row.status && !HTTP_STATUS_TABLE.some((r) => r.status === s));
    expect(HTTP_STATUS_TABLE.filter((row) => !covered(row))).toEqual([]);
    expect(Object.keys(NETWORK_TABLE).sort()).toEqual(NETWORK_ROWS.map(([c]) => c).sort());
  });

  const codes: ProviderCodeTable = {
    '21211': { retryable: false, code: 'invalid_number' },
    '21610': { retryable: false, code: 'opted_out' },
    '20429': { retryable: true, code: 'throttled', throttled: true },
    busy: { retryable: true, code: 'provider_busy', accepted: 'no' },
  };

  it.each([
    [400, '21211', { retryable: false, code: 'invalid_number', accepted: 'no' }],
    [400, '21610', { retryable: false, code: 'opted_out', accepted: 'no' }],
    [429, '20429', { retryable: true, code: 'throttled', throttled: true, accepted: 'no' }],
    [500, 'busy', { retryable: true, code: 'provider_busy', accepted: 'no' }],
    [400, '99999', { retryable: false, code: 'bad_request', accepted: 'no' }],
    [502, undefined, { retryable: true, code: 'bad_gateway', accepted: 'maybe' }],
    [400, 'constructor', { retryable: false, code: 'bad_request', accepted: 'no' }],
  ] as const)('HTTP %i with provider code %s', (status, providerCode, expected) => {
    expect(classifyHttpResponse(status, providerCode, codes)).toEqual(expected);
  });

  it('applies an adapter code table through errorRules, keeping the provider code and Retry-After', () => {
    const error = translateProviderError(
      statusError(400, { code: 21610, message: 'Attempt to send to unsubscribed recipient' }),
      'twilio',
      providerCodeRules(codes),
    );
    expect(error).toMatchObject({ code: 'opted_out', retryable: false, accepted: 'no', providerCode: '21610' });
    const throttled = translateProviderError(statusError(429, { code: 20429 }, 7), 'twilio', providerCodeRules(codes));
    expect(throttled).toMatchObject({ code: 'throttled', throttled: true, accepted: 'no', retryAfterSeconds: 7 });
  });

  it.each([
    [{ code: 21211 }, '21211'],
    [{ ErrorCode: 300, Message: 'Invalid email request' }, '300'],
    [{ error: { code: 'rate_limit' } }, 'rate_limit'],
    [{ errors: [{ code: 'invalid_from' }] }, 'invalid_from'],
    [{ name: 'validation_error', message: 'x' }, 'validation_error'],
    [{ message: 'Forbidden' }, undefined],
    ['plain text', undefined],
    [null, undefined],
  ] as const)('reads the provider code from %j', (body, code) => {
    expect(providerCodeOf(body)).toBe(code);
  });
});

describe('network errors and timeouts → class', () => {
  it.each(NETWORK_ROWS)('%s → %s, accepted %s', (code, cls, accepted) => {
    expect(classifyNetworkCode(code)).toEqual({ retryable: true, code: cls, accepted });
    // The same code on the cause of a fetch-style TypeError (what undici throws).
    const thrown = new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) });
    expect(translateProviderError(thrown, 'acme')).toMatchObject({ retryable: true, code: cls, accepted });
  });

  it('knows nothing of codes outside the table, prototype keys included', () => {
    expect(classifyNetworkCode('EWHATEVER')).toBeUndefined();
    expect(classifyNetworkCode('constructor')).toBeUndefined();
  });

  it.each([
    [
      { code: 'ECONNREFUSED', sent: false, timedOut: false },
      { retryable: true, code: 'network', accepted: 'no' },
    ],
    [
      { code: 'ECONNRESET', sent: false, timedOut: false },
      { retryable: true, code: 'network', accepted: 'no' },
    ],
    [
      { code: 'ECONNRESET', sent: true, timedOut: false },
      { retryable: true, code: 'network', accepted: 'maybe' },
    ],
    [
      { code: undefined, sent: true, timedOut: false },
      { retryable: true, code: 'network', accepted: 'maybe' },
    ],
    [
      { code: undefined, sent: false, timedOut: true },
      { retryable: true, code: 'timeout', accepted: 'no' },
    ],
    [
      { code: undefined, sent: true, timedOut: true },
      { retryable: true, code: 'timeout', accepted: 'maybe' },
    ],
  ] as const)('our client failing with %j', (failure, expected) => {
    expect(classifyTransportFailure(failure)).toEqual(expected);
    const error = new HttpTransportError('POST', 'https://api.example.com/v1/send', failure.code, failure.sent, failure.timedOut, 1);
    expect(translateProviderError(error, 'acme')).toMatchObject({ ...expected, provider: 'acme' });
  });

  it('treats an SDK or abort timeout as ambiguous', () => {
    expect(translateProviderError(Object.assign(new Error('timed out'), { name: 'TimeoutError' }), 'acme')).toMatchObject({
      code: 'timeout',
      accepted: 'maybe',
    });
    expect(translateProviderError(new DOMException('aborted', 'AbortError'), 'acme')).toMatchObject({ retryable: true, accepted: 'maybe' });
  });
});

describe('AWS SDK errors keep their codes and gain throttled/accepted', () => {
  const meta = (httpStatusCode: number) => ({ $metadata: { httpStatusCode } });

  it('maps throttling, 5xx and refusals', () => {
    const throttled = translateProviderError(new ThrottledException({ message: 'Rate exceeded', ...meta(400) }), 'sns');
    expect(throttled).toMatchObject({ code: 'throttled', retryable: true, throttled: true, accepted: 'no' });
    const internal = translateProviderError(new InternalErrorException({ message: 'oops', ...meta(500) }), 'sns');
    expect(internal).toMatchObject({ code: 'provider_error', retryable: true, throttled: false, accepted: 'maybe' });
    const unavailable = translateProviderError(
      Object.assign(new Error('down'), { name: 'ServiceUnavailable', $fault: 'server', ...meta(503) }),
      'ses',
    );
    expect(unavailable).toMatchObject({ code: 'provider_error', retryable: true, accepted: 'no' });
    const refused = translateProviderError(Object.assign(new Error('bad'), { name: 'BadRequestException', ...meta(400) }), 'ses');
    expect(refused).toMatchObject({ code: 'bad_request', retryable: false, accepted: 'no' });
  });

  it('uses the generic table, not the HTTP one, for errors that are neither', () => {
    expect(classifyFailure({ name: 'Weird', message: '' })).toEqual({ retryable: true, code: 'unknown_error' });
    expect(translateProviderError('a string', 'acme')).toMatchObject({ code: 'unknown_error', accepted: 'maybe' });
    expect(translateProviderError(new TypeError('x is undefined'), 'acme')).toMatchObject({
      code: 'internal_error',
      retryable: false,
      accepted: 'no',
    });
  });

  it('makes UnsupportedFeatureError part of the hierarchy: permanent, never accepted', () => {
    const error = new UnsupportedFeatureError('acme', ['amp', 'sendAt']);
    expect(error).toBeInstanceOf(PermanentProviderError);
    expect(error).toMatchObject({
      code: 'unsupported_feature',
      retryable: false,
      throttled: false,
      accepted: 'no',
      features: ['amp', 'sendAt'],
    });
    expect(translateProviderError(error, 'other')).toBe(error);
  });
});
