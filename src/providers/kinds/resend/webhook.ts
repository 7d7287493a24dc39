/** Resend's webhooks (Svix-signed): verify, then normalize tracking events (§3). Resend has no inbound route here. */
export { verify, type ResendVerifyOptions, type ResendWebhookCredentials } from './webhook-verify.js';
export { normalizeTracking } from './webhook-tracking.js';
