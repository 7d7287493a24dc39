/** Resend's webhooks (Svix-signed): verify, then normalize tracking events (§3). Resend has no inbound route here. */

export { normalizeTracking } from './webhook-tracking.js';
export { type ResendVerifyOptions, type ResendWebhookCredentials, verify } from './webhook-verify.js';
