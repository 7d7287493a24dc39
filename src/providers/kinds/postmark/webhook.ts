/** Postmark's webhooks: basic auth, then tracking records (§3 events) or inbound JSON (§4 records). */

export { normalizeInbound } from './webhook-inbound.js';
export { normalizeTracking } from './webhook-tracking.js';
export { type PostmarkWebhookCredentials, verify } from './webhook-verify.js';
