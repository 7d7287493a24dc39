/**
 * Resend's configuration entry (docs/contract.md §7) and the JSON of its secret.
 * `{ "kind": "resend", "secret": "mailroom/resend" }`
 * The API key may be a sending-only key; the webhook signing secret is the endpoint's
 * `whsec_…` secret (https://resend.com/docs/dashboard/webhooks/verify-webhooks-requests).
 */
import * as z from 'zod';

export const RESEND_BASE_URL = 'https://api.resend.com';

export const resendConfigSchema = z
  .object({
    kind: z.literal('resend'),
    secret: z.string().min(1),
    live: z.boolean().optional(),
  })
  .strict();

export const resendSecretSchema = z.object({
  apiKey: z.string().min(1),
  webhookSigningSecret: z.string().startsWith('whsec_').optional(),
});

export type ResendConfig = z.output<typeof resendConfigSchema>;
export type ResendSecret = z.output<typeof resendSecretSchema>;
