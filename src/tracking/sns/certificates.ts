/**
 * SNS signing certificates: fetched from the (already validated) SigningCertURL, checked, and
 * cached by URL.
 *
 * Trust model: the URL is pinned to an SNS regional endpoint over HTTPS (cert-url.ts), and
 * fetch verifies that endpoint's TLS certificate against the system CA store, so what we
 * download is what SNS serves. On top of that the certificate itself must parse, carry an RSA
 * key, and name an SNS signing host for the URL's region (SAN, or CN when there is no SAN).
 * Its validity period is checked per message, at the message's Timestamp (verify.ts). The
 * chain up to Amazon's root is not re-built here: the PEM does not include the intermediate,
 * and the HTTPS fetch from the pinned host is the authentication AWS documents.
 * https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html
 */
import { type KeyObject, X509Certificate } from 'node:crypto';
import { errorMessage } from '../../errors.js';
import type { SigningCertUrl } from './cert-url.js';
import { expectedCertificateNames } from './cert-url.js';
import { SnsCertificateUnavailableError, SnsVerificationError } from './errors.js';

export interface SigningCertificate {
  readonly url: string;
  readonly publicKey: KeyObject;
  /** Validity period, epoch milliseconds. */
  readonly notBefore: number;
  readonly notAfter: number;
  /** The DNS name that matched (e.g. `sns.amazonaws.com`). */
  readonly name: string;
}

export type FetchCertificate = (url: string) => Promise<string>;

/** Largest certificate we read; genuine SNS PEMs are about 2 KiB. */
export const MAX_CERTIFICATE_BYTES = 16 * 1024;
export const CERTIFICATE_FETCH_TIMEOUT_MS = 5_000;

// Statuses that mean "this URL names no certificate": a forged or mistyped URL, refused. Any
// other failure (5xx, 429, timeout, DNS) is transient and retried by SNS.
const NOT_A_CERTIFICATE = new Set([400, 403, 404, 410]);

/**
 * Default fetcher: global fetch over HTTPS, no redirects (a redirect could leave the pinned
 * host), a timeout, and a size cap enforced while streaming.
 */
export async function fetchCertificateOverHttps(
  url: string,
  { timeoutMs = CERTIFICATE_FETCH_TIMEOUT_MS, maxBytes = MAX_CERTIFICATE_BYTES } = {},
): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
  } catch (cause) {
    throw new SnsCertificateUnavailableError(url, cause instanceof Error ? cause.message : 'fetch failed', { cause });
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    if (NOT_A_CERTIFICATE.has(response.status)) {
      throw new SnsVerificationError('cert_url', `SigningCertURL ${url} answered HTTP ${response.status}`);
    }
    throw new SnsCertificateUnavailableError(url, `HTTP ${response.status}`);
  }
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new SnsVerificationError('cert_url', `SigningCertURL ${url} serves ${declared} bytes (limit ${maxBytes})`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    const reader = response.body?.getReader();
    if (!reader) return '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw new SnsVerificationError('cert_url', `SigningCertURL ${url} serves more than ${maxBytes} bytes`);
      }
      chunks.push(value);
    }
  } catch (cause) {
    if (cause instanceof SnsVerificationError) throw cause;
    throw new SnsCertificateUnavailableError(url, 'reading the body failed', { cause });
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Parses and checks a downloaded certificate; throws `SnsVerificationError('cert_url')`. */
export function checkCertificate(pem: string, certUrl: SigningCertUrl): SigningCertificate {
  const refuse = (why: string, cause?: unknown): never => {
    throw new SnsVerificationError('cert_url', `certificate at ${certUrl.href} refused: ${why}`, { cause });
  };
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) return refuse('not a PEM certificate');
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(pem);
  } catch (cause) {
    return refuse('does not parse as X.509', cause);
  }
  if (x509.publicKey.asymmetricKeyType !== 'rsa') refuse(`key type ${x509.publicKey.asymmetricKeyType ?? 'unknown'}, not RSA`);
  const name = expectedCertificateNames(certUrl.region).find((n) => x509.checkHost(n) !== undefined);
  if (!name) refuse(`issued to ${x509.subjectAltName ?? x509.subject}, not an SNS signing name for ${certUrl.region}`);
  // Node 20's X509Certificate exposes the dates as strings ("Nov 10 00:00:00 2025 GMT").
  const notBefore = Date.parse(x509.validFrom);
  const notAfter = Date.parse(x509.validTo);
  if (!Number.isFinite(notBefore) || !Number.isFinite(notAfter)) refuse('unreadable validity dates');
  return { url: certUrl.href, publicKey: x509.publicKey, notBefore, notAfter, name: name! };
}

/** How long a failed fetch is remembered: SNS retries an HTTPS delivery after 20 s at the earliest. */
export const NEGATIVE_TTL_MS = 60_000;
/** Fetch failures remembered at once (distinct URLs); the oldest goes first. */
export const MAX_NEGATIVE_ENTRIES = 64;

export interface CertificateCacheOptions {
  /** Certificates kept (distinct URLs), least recently used goes first. @default 32 */
  readonly maxEntries?: number;
  /** How long a failure is answered from memory, ms. @default NEGATIVE_TTL_MS */
  readonly failureTtlMs?: number;
  /** Failures kept. @default MAX_NEGATIVE_ENTRIES */
  readonly maxFailures?: number;
  readonly now?: () => number;
}

/**
 * Certificates by URL: bounded (least recently used goes first), with concurrent requests for
 * the same URL sharing one fetch. A failure (a refused URL or an unreachable endpoint) is
 * remembered for `failureTtlMs` and rethrown without fetching, so a flood of messages naming
 * one bad URL costs one fetch per TTL, not one per message; the failure cache is bounded too,
 * and its entries expire, so a transient error never sticks.
 */
export class CertificateCache {
  private readonly entries = new Map<string, Promise<SigningCertificate>>();
  private readonly failures = new Map<string, { readonly error: unknown; readonly until: number }>();
  private readonly maxEntries: number;
  private readonly failureTtlMs: number;
  private readonly maxFailures: number;
  private readonly now: () => number;

  constructor(
    private readonly fetchCertificate: FetchCertificate,
    opts: CertificateCacheOptions = {},
  ) {
    this.maxEntries = opts.maxEntries ?? 32;
    this.failureTtlMs = opts.failureTtlMs ?? NEGATIVE_TTL_MS;
    this.maxFailures = opts.maxFailures ?? MAX_NEGATIVE_ENTRIES;
    this.now = opts.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Failures currently remembered. */
  get failureCount(): number {
    return this.failures.size;
  }

  get(certUrl: SigningCertUrl): Promise<SigningCertificate> {
    const cached = this.entries.get(certUrl.href);
    if (cached) {
      // Refresh recency: Map iteration order is insertion order.
      this.entries.delete(certUrl.href);
      this.entries.set(certUrl.href, cached);
      return cached;
    }
    const failed = this.failures.get(certUrl.href);
    if (failed && failed.until > this.now()) return Promise.reject(failed.error);
    if (failed) this.failures.delete(certUrl.href);
    const pending = this.load(certUrl);
    this.entries.set(certUrl.href, pending);
    pending.catch((error: unknown) => {
      if (this.entries.get(certUrl.href) === pending) this.entries.delete(certUrl.href);
      this.remember(certUrl.href, error);
    });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    return pending;
  }

  private remember(url: string, error: unknown): void {
    this.failures.delete(url);
    this.failures.set(url, { error, until: this.now() + this.failureTtlMs });
    while (this.failures.size > this.maxFailures) {
      const oldest = this.failures.keys().next().value as string;
      this.failures.delete(oldest);
    }
  }

  private async load(certUrl: SigningCertUrl): Promise<SigningCertificate> {
    let pem: string;
    try {
      pem = await this.fetchCertificate(certUrl.href);
    } catch (cause) {
      if (cause instanceof SnsVerificationError || cause instanceof SnsCertificateUnavailableError) throw cause;
      throw new SnsCertificateUnavailableError(certUrl.href, errorMessage(cause), { cause });
    }
    return checkCertificate(pem, certUrl);
  }
}
