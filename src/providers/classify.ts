/**
 * Transport-neutral failure classification: what an HTTP status, a provider error code in the
 * response body, or a network/timeout failure means for the send pipeline and for failover.
 * Pure data and pure functions; ./translate.ts reads the facts off a thrown error and applies
 * these tables after the adapter's own rules.
 *
 * `accepted` is the failover question: `'no'` only when the provider surely did not take the
 * message. A refusal (4xx), 429 and 503 are answers that say so (RFC 9110 §15.6.4: 503 means
 * the server is unable to handle the request); a connection that was never made (refused,
 * DNS, unreachable, connect timeout) never carried it. 500, 502 and 504 may come after the
 * provider acted (a gateway timed out waiting for it), and a reset or timeout after the request
 * was written leaves the outcome unknown: `'maybe'`, retried on the same provider only.
 */
/** Whether the provider may have accepted the request that failed. */
export type Accepted = 'no' | 'maybe';

/** What we read off a thrown error, whatever the transport. */
export interface ErrorInfo {
  /** Modelled exception name (`MessageRejected`), the wire code, `HTTP 503`, or the JS error name. */
  readonly name: string;
  readonly message: string;
  readonly statusCode?: number;
  readonly fault?: 'client' | 'server';
  /** Node.js system error code found on the error or its cause chain (ECONNRESET…). */
  readonly systemCode?: string;
  /** The provider's error code from an HTTP response body (Twilio `21211`, Postmark `300`…). */
  readonly providerCode?: string;
  /** The parsed HTTP response body (JSON), for adapter rules that need more than the code. */
  readonly body?: unknown;
  readonly retryAfterSeconds?: number;
  /** Our HTTP client only: whether the request had been written when the failure happened. */
  readonly sent?: boolean;
  readonly timedOut?: boolean;
}

export interface ErrorRule {
  readonly retryable: boolean;
  /** Our stable code (snake_case). */
  readonly code: string;
  /** Default: retryable with a throttle code (errors.ts THROTTLE_CODES). */
  readonly throttled?: boolean;
  /** Default: from the transport facts (acceptedFor) when retryable, `'no'` when not. */
  readonly accepted?: Accepted;
}

/** An adapter's own mapping, tried before the generic tables. */
export type ErrorRules = (info: ErrorInfo) => ErrorRule | undefined;

export interface FailureClass {
  readonly retryable: boolean;
  /** Our stable code (snake_case). */
  readonly code: string;
  readonly throttled?: boolean;
  readonly accepted: Accepted;
}

export interface HttpStatusRow {
  /** One status, or a whole class (`4xx`, `5xx`) for the ones not listed. */
  readonly status: number | '3xx' | '4xx' | '5xx';
  readonly class: FailureClass;
}

const refused = (code: string): FailureClass => ({ retryable: false, code, accepted: 'no' });

/** HTTP status → class, for statuses no adapter rule or provider code claimed. */
export const HTTP_STATUS_TABLE: readonly HttpStatusRow[] = [
  { status: 400, class: refused('bad_request') },
  { status: 401, class: refused('unauthorized') },
  { status: 402, class: refused('payment_required') },
  { status: 403, class: refused('forbidden') },
  { status: 404, class: refused('not_found') },
  { status: 408, class: { retryable: true, code: 'request_timeout', accepted: 'no' } },
  { status: 409, class: refused('conflict') },
  { status: 413, class: refused('payload_too_large') },
  { status: 422, class: refused('unprocessable') },
  { status: 425, class: { retryable: true, code: 'too_early', accepted: 'no' } },
  { status: 429, class: { retryable: true, code: 'throttled', throttled: true, accepted: 'no' } },
  { status: 500, class: { retryable: true, code: 'provider_error', accepted: 'maybe' } },
  { status: 501, class: refused('not_implemented') },
  { status: 502, class: { retryable: true, code: 'bad_gateway', accepted: 'maybe' } },
  { status: 503, class: { retryable: true, code: 'unavailable', accepted: 'no' } },
  { status: 504, class: { retryable: true, code: 'gateway_timeout', accepted: 'maybe' } },
  // A redirect on an API call is a misconfigured base URL: following it could post the
  // credentials elsewhere, and retrying will not change it.
  { status: '3xx', class: refused('unexpected_redirect') },
  { status: '4xx', class: refused('client_error') },
  { status: '5xx', class: { retryable: true, code: 'provider_error', accepted: 'maybe' } },
];

export function classifyHttpStatus(status: number): FailureClass {
  const family = status >= 500 ? '5xx' : status >= 400 ? '4xx' : '3xx';
  return (HTTP_STATUS_TABLE.find((r) => r.status === status) ?? HTTP_STATUS_TABLE.find((r) => r.status === family)!).class;
}

/**
 * Node.js / undici network error codes. `'no'`: the connection was never made, so nothing was
 * sent. `'maybe'`: the connection broke or stalled with the request possibly delivered.
 */
export const NETWORK_TABLE: Readonly<Record<string, FailureClass>> = {
  ECONNREFUSED: { retryable: true, code: 'network', accepted: 'no' },
  ENOTFOUND: { retryable: true, code: 'network', accepted: 'no' },
  EAI_AGAIN: { retryable: true, code: 'network', accepted: 'no' },
  EHOSTUNREACH: { retryable: true, code: 'network', accepted: 'no' },
  ENETUNREACH: { retryable: true, code: 'network', accepted: 'no' },
  ENETDOWN: { retryable: true, code: 'network', accepted: 'no' },
  UND_ERR_CONNECT_TIMEOUT: { retryable: true, code: 'network', accepted: 'no' },
  ERR_SOCKET_CONNECTION_TIMEOUT: { retryable: true, code: 'network', accepted: 'no' },
  ECONNRESET: { retryable: true, code: 'network', accepted: 'maybe' },
  ECONNABORTED: { retryable: true, code: 'network', accepted: 'maybe' },
  EPIPE: { retryable: true, code: 'network', accepted: 'maybe' },
  UND_ERR_SOCKET: { retryable: true, code: 'network', accepted: 'maybe' },
  ETIMEDOUT: { retryable: true, code: 'timeout', accepted: 'maybe' },
  UND_ERR_HEADERS_TIMEOUT: { retryable: true, code: 'timeout', accepted: 'maybe' },
  UND_ERR_BODY_TIMEOUT: { retryable: true, code: 'timeout', accepted: 'maybe' },
};

export function classifyNetworkCode(code: string): FailureClass | undefined {
  return Object.hasOwn(NETWORK_TABLE, code) ? NETWORK_TABLE[code] : undefined;
}

/**
 * A transport failure of our own HTTP client, which knows whether the request had been
 * written when it failed: before that, nothing reached the provider whatever the error code
 * (`'no'`); after it, the error code decides, and unknown ones are `'maybe'`.
 */
export function classifyTransportFailure(f: { readonly code?: string; readonly timedOut: boolean; readonly sent: boolean }): FailureClass {
  if (f.timedOut) return { retryable: true, code: 'timeout', accepted: f.sent ? 'maybe' : 'no' };
  const known = f.code !== undefined ? classifyNetworkCode(f.code) : undefined;
  const base = known ?? { retryable: true, code: 'network', accepted: 'maybe' as const };
  return f.sent ? base : { ...base, accepted: 'no' };
}

/** Provider error codes (from response bodies) → class; adapters pass their documented codes. */
export type ProviderCodeTable = Readonly<Record<string, Omit<FailureClass, 'accepted'> & { readonly accepted?: Accepted }>>;

/**
 * The full HTTP row: the provider's code in the body wins over the status (Twilio answers 400
 * for both an invalid number and an unsubscribed recipient; only the code tells them apart).
 * A code-table entry without `accepted` keeps the status's answer.
 */
export function classifyHttpResponse(status: number, providerCode: string | undefined, codes: ProviderCodeTable = {}): FailureClass {
  const byStatus = classifyHttpStatus(status);
  const byCode = providerCode !== undefined && Object.hasOwn(codes, providerCode) ? codes[providerCode] : undefined;
  return byCode ? { ...byCode, accepted: byCode.accepted ?? byStatus.accepted } : byStatus;
}

const TIMEOUT_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'AbortError']);

/** Whether a failure with these facts may have been accepted (the default when a rule does not say). */
export function acceptedFor(info: ErrorInfo): Accepted {
  if (info.sent === false) return 'no';
  if (info.timedOut || TIMEOUT_NAMES.has(info.name)) return 'maybe';
  if (info.statusCode !== undefined && info.statusCode >= 300) return classifyHttpStatus(info.statusCode).accepted;
  if (info.systemCode !== undefined) return classifyNetworkCode(info.systemCode)?.accepted ?? 'maybe';
  return 'maybe';
}

/** ErrorRules from a provider's documented error codes (for `errorRules` of an HTTP adapter). */
export function providerCodeRules(codes: ProviderCodeTable): ErrorRules {
  return (info) => {
    if (info.statusCode === undefined || info.providerCode === undefined || !Object.hasOwn(codes, info.providerCode)) return undefined;
    return classifyHttpResponse(info.statusCode, info.providerCode, codes);
  };
}
