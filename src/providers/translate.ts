/**
 * The boundary for every transport: whatever a provider call throws becomes one typed
 * ProviderError. The adapter's own rules go first (its SDK exceptions, or its provider codes
 * in HTTP bodies); then the generic tables of ./classify.ts for HTTP statuses and transport
 * failures of the shared HTTP client (./http/), and the AWS SDK classification
 * (./aws-errors.ts) for everything else, Node.js network errors included.
 */
import { classifyAwsError, describeAwsError } from './aws-errors.js';
import { classifyHttpResponse, classifyTransportFailure, type ErrorInfo, type ErrorRule, type ErrorRules } from './classify.js';
import { ProviderError, providerErrorFrom } from './errors.js';
import { HttpStatusError, HttpTransportError } from './http/errors.js';

/** Where providers commonly put their error code in a JSON error body. */
export function providerCodeOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as Record<string, unknown>;
  const nested = (v: unknown) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>).code : undefined);
  const firstError = Array.isArray(b.errors) ? nested(b.errors[0]) : undefined;
  const found = [b.code, b.ErrorCode, b.error_code, b.errorCode, nested(b.error), firstError, b.name].find(
    (v) => typeof v === 'string' || typeof v === 'number',
  );
  return found === undefined ? undefined : String(found);
}

export function describeFailure(error: unknown): ErrorInfo {
  if (error instanceof HttpStatusError) {
    const providerCode = providerCodeOf(error.body);
    return {
      name: `HTTP ${error.status}`,
      message: error.message,
      statusCode: error.status,
      body: error.body,
      ...(providerCode !== undefined ? { providerCode } : {}),
      ...(error.retryAfterSeconds !== undefined ? { retryAfterSeconds: error.retryAfterSeconds } : {}),
    };
  }
  if (error instanceof HttpTransportError) {
    return {
      name: error.timedOut ? 'TimeoutError' : 'NetworkError',
      message: error.message,
      sent: error.sent,
      timedOut: error.timedOut,
      ...(error.code ? { systemCode: error.code } : {}),
    };
  }
  return describeAwsError(error);
}

/** The generic class for a failure no adapter rule claimed. */
export function classifyFailure(info: ErrorInfo): ErrorRule {
  if (info.sent !== undefined)
    return classifyTransportFailure({ code: info.systemCode, sent: info.sent, timedOut: info.timedOut ?? false });
  if (info.name.startsWith('HTTP ') && info.statusCode !== undefined) return classifyHttpResponse(info.statusCode, info.providerCode);
  return classifyAwsError(info);
}

export function translateProviderError(error: unknown, provider: string, rules?: ErrorRules): ProviderError {
  if (error instanceof ProviderError) return error;
  const info = describeFailure(error);
  return providerErrorFrom(info, rules?.(info) ?? classifyFailure(info), provider, error);
}
