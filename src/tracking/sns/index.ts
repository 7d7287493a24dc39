/**
 * SNS envelope handling shared by the tracking and inbound pipelines: parse, verify (signature,
 * certificate, topic allowlist, age), confirm subscriptions, count refusals. See each module.
 */
export * from './envelope.js';
export * from './errors.js';
export { parseTopicArn, type TopicArn, type AwsPartition } from './arn.js';
export { parseSigningCertUrl, expectedCertificateNames, type SigningCertUrl } from './cert-url.js';
export {
  CertificateCache, fetchCertificateOverHttps, MAX_CERTIFICATE_BYTES, CERTIFICATE_FETCH_TIMEOUT_MS, MAX_NEGATIVE_ENTRIES, NEGATIVE_TTL_MS,
  type CertificateCacheOptions,
} from './certificates.js';
export { stringToSign } from './string-to-sign.js';
export * from './verify.js';
export { handleSubscriptionControl, type SubscriptionControlDeps, type SubscriptionControlResult } from './confirm.js';
export { reportRefusal, SNS_REFUSED_METRIC, type SnsLogger, type SnsRefusalDeps } from './refusals.js';
export * from './ingest.js';
export * from './http-response.js';
export { allTopics, checkPurpose, type NotificationPurpose, type TopicAllowlists } from './purpose.js';
