/**
 * Decides whether an SNS envelope is genuine and for us. Checks, cheapest first, so that a
 * forged message costs no network access unless it names an allowed topic:
 *
 * 1. shape (re-validated: the verifier never trusts a caller-built object) → `malformed`
 * 2. SignatureVersion 1 (SHA1withRSA) or 2 (SHA256withRSA) → `unsupported_version`
 * 3. Timestamp within `maxAgeSeconds` (and not more than 5 minutes ahead) → `expired`
 * 4. TopicArn exactly on the allowlist → `topic_not_allowed`, for every message type: a
 *    SubscriptionConfirmation from an unknown topic costs no certificate fetch either, so an
 *    anonymous flood of them cannot hold the public endpoint on the network (issue 8, item 1)
 * 5. SigningCertURL on an SNS regional endpoint → `cert_url`
 * 6. certificate fetched (cached), names an SNS signing host, valid at the Timestamp → `cert_url`
 * 7. signature over the documented string to sign → `bad_signature`
 *
 * `skipSignatureCheck` (for `mailroom replay --skip-signature-check`, docs/contract.md §6: the operator
 * vouches for the bodies) keeps step 1 and skips all the others: signature, certificate,
 * allowlist and age. https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html
 */
import { verify as verifySignature } from 'node:crypto';
import { ConfigError } from '../../errors.js';
import { parseTopicArn } from './arn.js';
import { parseSigningCertUrl } from './cert-url.js';
import { CertificateCache, type FetchCertificate, fetchCertificateOverHttps } from './certificates.js';
import { type SnsEnvelope, snsEnvelopeSchema } from './envelope.js';
import { type SnsRefusalReason, SnsVerificationError } from './errors.js';
import { stringToSign } from './string-to-sign.js';

/**
 * Default age limit for HTTPS deliveries: SNS retries an HTTP/S endpoint for at most 3,600 s
 * in total (a hard limit), so a genuine delivery is rarely older than an hour; the second hour
 * absorbs throttled deliveries and clock skew.
 * https://docs.aws.amazon.com/sns/latest/dg/sns-message-delivery-retries.html
 */
export const HTTP_MAX_AGE_SECONDS = 2 * 60 * 60;
/**
 * Age limit for Lambda-subscription records: SNS retries Lambda (an AWS-managed endpoint) for
 * up to 23 days, and Lambda's async queue keeps an event up to 6 hours more. The invocation is
 * authenticated by IAM, so age is no defence there; this only bounds what we accept.
 */
export const LAMBDA_MAX_AGE_SECONDS = 24 * 24 * 60 * 60;
/** How far in the future a Timestamp may be (clock skew between SNS and us). */
export const MAX_FUTURE_SKEW_SECONDS = 5 * 60;

// A Map, not an object literal: a SignatureVersion such as "constructor" must find nothing.
const ALGORITHMS: ReadonlyMap<string, string> = new Map([
  ['1', 'sha1'],
  ['2', 'sha256'],
]);
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export interface SnsVerifierOptions {
  /** Exact topic ARNs whose messages are accepted. No wildcards. */
  readonly allowedTopicArns: readonly string[];
  /** Returns the PEM at a (validated) SigningCertURL. Default: HTTPS fetch with timeout and size cap. */
  readonly fetchCertificate?: (url: string) => Promise<string>;
  /** Skip signature, certificate, allowlist and age checks (replay of bodies the operator vouches for). */
  readonly skipSignatureCheck?: boolean;
  readonly now?: () => Date;
  /** Oldest accepted Timestamp, seconds. Default `HTTP_MAX_AGE_SECONDS`; `Infinity` disables the check. */
  readonly maxAgeSeconds?: number;
  /** Certificates kept in memory (distinct SigningCertURLs). Default 32. */
  readonly certificateCacheSize?: number;
  /** How long a failed certificate fetch is remembered (and not retried), ms. Default `NEGATIVE_TTL_MS`. */
  readonly certificateFailureTtlMs?: number;
}

export class SnsVerifier {
  readonly skipSignatureCheck: boolean;
  readonly maxAgeSeconds: number;
  private readonly allowed: ReadonlySet<string>;
  private readonly now: () => Date;
  private readonly certificates: CertificateCache;

  constructor(opts: SnsVerifierOptions) {
    const problems = opts.allowedTopicArns
      .filter((arn) => parseTopicArn(arn) === undefined)
      .map((arn) => `allowed topic ${JSON.stringify(arn)} is not an SNS topic ARN (exact ARNs only, no wildcards)`);
    const maxAge = opts.maxAgeSeconds ?? HTTP_MAX_AGE_SECONDS;
    if (!(maxAge > 0)) problems.push(`maxAgeSeconds must be positive (got ${maxAge})`);
    if (problems.length) throw new ConfigError(problems);
    this.allowed = new Set(opts.allowedTopicArns);
    this.skipSignatureCheck = opts.skipSignatureCheck ?? false;
    this.maxAgeSeconds = maxAge;
    this.now = opts.now ?? (() => new Date());
    const fetchCertificate: FetchCertificate = opts.fetchCertificate ?? ((url) => fetchCertificateOverHttps(url));
    this.certificates = new CertificateCache(fetchCertificate, {
      maxEntries: opts.certificateCacheSize ?? 32,
      ...(opts.certificateFailureTtlMs !== undefined ? { failureTtlMs: opts.certificateFailureTtlMs } : {}),
      now: () => this.now().getTime(),
    });
  }

  isTopicAllowed(topicArn: string): boolean {
    return this.allowed.has(topicArn);
  }

  /**
   * Resolves when the envelope is genuine and for us; otherwise rejects with
   * `SnsVerificationError` (a refusal), or `SnsCertificateUnavailableError` when the signing
   * certificate cannot be fetched right now (transient: let SNS retry).
   */
  async verify(envelope: SnsEnvelope, options: { maxAgeSeconds?: number } = {}): Promise<void> {
    const parsed = snsEnvelopeSchema.safeParse(envelope);
    if (!parsed.success) {
      throw new SnsVerificationError('malformed', `not a valid SNS envelope: ${parsed.error.issues[0]?.message ?? ''}`);
    }
    if (this.skipSignatureCheck) return;
    const e = parsed.data;
    const context = { messageId: e.MessageId, topicArn: e.TopicArn };
    const refuse = (reason: SnsRefusalReason, message: string): never => {
      throw new SnsVerificationError(reason, `${message} (message ${e.MessageId} from ${e.TopicArn})`, context);
    };

    const algorithm = ALGORITHMS.get(e.SignatureVersion);
    if (!algorithm) refuse('unsupported_version', `SignatureVersion ${JSON.stringify(e.SignatureVersion.slice(0, 20))} is not 1 or 2`);

    const signedAt = Date.parse(e.Timestamp);
    const nowMs = this.now().getTime();
    const maxAge = options.maxAgeSeconds ?? this.maxAgeSeconds;
    if (nowMs - signedAt > maxAge * 1000) refuse('expired', `Timestamp ${e.Timestamp} is older than ${maxAge} s`);
    if (signedAt - nowMs > MAX_FUTURE_SKEW_SECONDS * 1000) refuse('expired', `Timestamp ${e.Timestamp} is in the future`);

    // Everything that can be refused without the network is refused before the certificate.
    if (!this.allowed.has(e.TopicArn)) refuse('topic_not_allowed', 'topic is not on the allowlist');

    const certUrl = parseSigningCertUrl(e.SigningCertURL, context);
    const certificate = await this.certificates.get(certUrl);
    if (signedAt < certificate.notBefore || signedAt > certificate.notAfter) {
      refuse('cert_url', `certificate ${certUrl.href} was not valid at ${e.Timestamp}`);
    }

    if (!BASE64.test(e.Signature)) refuse('bad_signature', 'Signature is not base64');
    let genuine = false;
    try {
      genuine = verifySignature(
        algorithm!,
        Buffer.from(stringToSign(e), 'utf8'),
        certificate.publicKey,
        Buffer.from(e.Signature, 'base64'),
      );
    } catch {
      genuine = false;
    }
    if (!genuine) refuse('bad_signature', `signature does not verify (SignatureVersion ${e.SignatureVersion})`);
  }
}
