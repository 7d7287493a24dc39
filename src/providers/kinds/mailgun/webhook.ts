/** Mailgun's webhooks: verify, then normalize tracking events (§3) or inbound mail (§4). */

export { type MailgunInbound, normalizeInbound } from './webhook-inbound.js';
export { normalizeTracking } from './webhook-tracking.js';
export { type MailgunVerifyOptions, type MailgunWebhookCredentials, verify } from './webhook-verify.js';
