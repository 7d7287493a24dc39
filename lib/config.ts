/**
 * The deployment configuration as the constructs see it. Its one definition is the zod schema
 * in src/config/ (schema.ts and sections/): the types below are inferred from it. This module
 * re-exports what lib/ (and the package's users) need, so the constructs import one place.
 * Defaults synthesize on a fresh clone with no AWS account (example.com identities): they must
 * be changed before a real deployment (README, "Deploying").
 */
import type { MailroomConfig } from '../src/config/schema.js';

export { perInstanceSendRate } from '../src/config/checks.js';
export { CONTEXT_KEY, resolveConfig } from '../src/config/resolve.js';
export type { ChannelConfig, EmailConfig, MailroomConfig, MailroomConfigInput, SmsConfig } from '../src/config/schema.js';
export { MAX_VISIBILITY_TIMEOUT_SECONDS, SES_MAX_INBOUND_BYTES, VISIBILITY_TIMEOUT_FACTOR } from '../src/contract/config-fields.js';

export type SesConfig = MailroomConfig['ses'];
export type ProvidersConfig = MailroomConfig['providers'];
export type SendConfig = MailroomConfig['send'];
export type AttachmentBucketConfig = SendConfig['attachmentBuckets'][number];
export type TrackingConfig = MailroomConfig['tracking'];
export type InboundConfig = MailroomConfig['inbound'];
export type AlarmsConfig = MailroomConfig['alarms'];
export type OperationsConfig = MailroomConfig['operations'];
export type SmsDeliveryStatusConfig = MailroomConfig['sms']['deliveryStatus'];
export type PublicEndpointsConfig = MailroomConfig['publicEndpoints'];
export type ThrottledFrontConfig = PublicEndpointsConfig['throttledFront'];
export type RetentionConfig = MailroomConfig['retention'];
export type EncryptionConfig = MailroomConfig['encryption'];
export type CustomerKeyConfig = NonNullable<EncryptionConfig['dataKey']>;
