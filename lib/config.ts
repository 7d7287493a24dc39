/**
 * The deployment configuration as the constructs see it. Its one definition is the zod schema
 * in src/config/ (schema.ts and sections/); this module re-exports what lib/ uses, so the
 * constructs import one place. Defaults synthesize on a fresh clone with no AWS account
 * (example.com identities): they must be changed before a real deployment (README, "Deploying").
 */
export { CONTEXT_KEY, resolveConfig } from '../src/config/resolve.js';
export { perInstanceSendRate } from '../src/config/checks.js';
export { MAX_VISIBILITY_TIMEOUT_SECONDS, SES_MAX_INBOUND_BYTES, VISIBILITY_TIMEOUT_FACTOR } from '../src/config/fields.js';
export type { ChannelConfig, EmailConfig, MailroomConfig, MailroomConfigInput, SmsConfig } from '../src/config/schema.js';
import type { MailroomConfig } from '../src/config/schema.js';

export type OperationsConfig = MailroomConfig['operations'];
export type SmsDeliveryStatusConfig = MailroomConfig['sms']['deliveryStatus'];
