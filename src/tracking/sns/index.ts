/**
 * SNS envelope handling shared by the tracking and inbound pipelines: parse, verify (signature,
 * certificate, topic allowlist, age), confirm subscriptions, count refusals. See each module.
 */

export { type AwsPartition, parseTopicArn, type TopicArn } from './arn.js';
export { expectedCertificateNames, parseSigningCertUrl, type SigningCertUrl } from './cert-url.js';
export {
  CERTIFICATE_FETCH_TIMEOUT_MS,
  CertificateCache,
  type CertificateCacheOptions,
  fetchCertificateOverHttps,
  MAX_CERTIFICATE_BYTES,
  MAX_NEGATIVE_ENTRIES,
  NEGATIVE_TTL_MS,
} from './certificates.js';
export { handleSubscriptionControl, type SubscriptionControlDeps, type SubscriptionControlResult } from './confirm.js';
export * from './envelope.js';
export * from './errors.js';
export * from './http-response.js';
export * from './ingest.js';
export { allTopics, checkPurpose, type NotificationPurpose, type TopicAllowlists } from './purpose.js';
export { reportRefusal, SNS_REFUSED_METRIC, type SnsLogger, type SnsRefusalDeps } from './refusals.js';
export { stringToSign } from './string-to-sign.js';
export * from './verify.js';
