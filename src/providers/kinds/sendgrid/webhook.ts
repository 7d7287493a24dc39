/** SendGrid's webhooks: the Signed Event Webhook (§3 events) and Inbound Parse (§4 records). */
export { SIGNATURE_HEADER, TIMESTAMP_HEADER, verify, verifyInbound, type SendgridVerifyOptions, type SendgridWebhookCredentials } from './webhook-verify.js';
export { normalizeTracking } from './webhook-tracking.js';
export { normalizeInbound } from './webhook-inbound.js';
