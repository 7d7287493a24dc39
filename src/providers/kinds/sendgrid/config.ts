/**
 * SendGrid's configuration entry (docs/contract.md §7) and the JSON of its secret.
 * `{ "kind": "sendgrid", "secret": "mailroom/sendgrid", "region": "global" }`
 * The API key needs the Mail Send permission; the webhook verification key is the public key
 * shown when the Signed Event Webhook is enabled (base64 DER)
 * (https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/getting-started-event-webhook-security-features).
 */
import * as z from 'zod';

export const SENDGRID_REGIONS = ['global', 'eu'] as const;

/** Global host, and the EU host for EU regional subusers (https://www.twilio.com/docs/sendgrid/api-reference/how-to-use-the-sendgrid-v3-api/authentication). */
export const SENDGRID_BASE_URLS: Readonly<Record<(typeof SENDGRID_REGIONS)[number], string>> = {
  global: 'https://api.sendgrid.com',
  eu: 'https://api.eu.sendgrid.com',
};

export const sendgridConfigSchema = z
  .object({
    kind: z.literal('sendgrid'),
    secret: z.string().min(1),
    region: z.enum(SENDGRID_REGIONS).default('global'),
    live: z.boolean().optional(),
  })
  .strict();

export const sendgridSecretSchema = z.object({
  apiKey: z.string().min(1),
  webhookVerificationKey: z.string().min(1).optional(),
});

export type SendgridConfig = z.output<typeof sendgridConfigSchema>;
export type SendgridSecret = z.output<typeof sendgridSecretSchema>;
