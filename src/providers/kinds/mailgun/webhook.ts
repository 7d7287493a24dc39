/** Mailgun's webhooks: verify, then normalize tracking events (§3) or inbound mail (§4). */
export { verify, type MailgunVerifyOptions, type MailgunWebhookCredentials } from './webhook-verify.js';
export { normalizeTracking } from './webhook-tracking.js';
export { normalizeInbound, type MailgunInbound } from './webhook-inbound.js';
