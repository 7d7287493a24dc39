/** SendGrid's webhooks: the Signed Event Webhook (§3 events) and Inbound Parse (§4 records). */

export { normalizeInbound } from './webhook-inbound.js';
export { normalizeTracking } from './webhook-tracking.js';
export {
  type SendgridVerifyOptions,
  type SendgridWebhookCredentials,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  verify,
  verifyInbound,
} from './webhook-verify.js';
