/**
 * Mailgun's configuration entry (docs/contract.md §7) and the JSON of its secret.
 * `{ "kind": "mailgun", "secret": "mailroom/mailgun", "domain": "mg.example.com", "region": "eu" }`
 * The API key is a Mailgun private API key (or a domain sending key); the webhook signing key
 * is the "HTTP webhook signing key" of Sending → Webhooks
 * (https://documentation.mailgun.com/docs/mailgun/user-manual/webhooks/securing-webhooks).
 */
import * as z from 'zod';

export const MAILGUN_REGIONS = ['us', 'eu'] as const;

/** US and EU hosts of the messages API (https://documentation.mailgun.com/docs/mailgun/api-reference/api-overview). */
export const MAILGUN_BASE_URLS: Readonly<Record<(typeof MAILGUN_REGIONS)[number], string>> = {
  us: 'https://api.mailgun.net',
  eu: 'https://api.eu.mailgun.net',
};

export const mailgunConfigSchema = z
  .object({
    kind: z.literal('mailgun'),
    secret: z.string().min(1),
    domain: z.string().regex(/^[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/, 'a sending domain such as mg.example.com'),
    region: z.enum(MAILGUN_REGIONS).default('us'),
    live: z.boolean().optional(),
  })
  .strict();

export const mailgunSecretSchema = z.object({
  apiKey: z.string().min(1),
  webhookSigningKey: z.string().min(1).optional(),
});

export type MailgunConfig = z.output<typeof mailgunConfigSchema>;
export type MailgunSecret = z.output<typeof mailgunSecretSchema>;
