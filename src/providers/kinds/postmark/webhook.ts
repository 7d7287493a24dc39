/** Postmark's webhooks: basic auth, then tracking records (§3 events) or inbound JSON (§4 records). */
export { verify, type PostmarkWebhookCredentials } from './webhook-verify.js';
export { normalizeTracking } from './webhook-tracking.js';
export { normalizeInbound } from './webhook-inbound.js';
