/**
 * Postmark's configuration entry (docs/contract.md §7) and the JSON of its secret.
 * `{ "kind": "postmark", "secret": "mailroom/postmark", "messageStream": "outbound" }`
 * The server token is the Server API token (X-Postmark-Server-Token,
 * https://postmarkapp.com/developer/api/overview#authentication); the webhook username and
 * password are the basic-auth credentials put in the webhook URL
 * (https://postmarkapp.com/developer/webhooks/webhooks-overview).
 */
import * as z from 'zod';

export const POSTMARK_BASE_URL = 'https://api.postmarkapp.com';

export const postmarkConfigSchema = z
  .object({
    kind: z.literal('postmark'),
    secret: z.string().min(1),
    /** The transactional stream by default; a broadcast stream ID for bulk mail. */
    messageStream: z.string().min(1).max(100).default('outbound'),
    live: z.boolean().optional(),
  })
  .strict();

export const postmarkSecretSchema = z.object({
  serverToken: z.string().min(1),
  webhookUsername: z.string().min(1).optional(),
  webhookPassword: z.string().min(1).optional(),
});

export type PostmarkConfig = z.output<typeof postmarkConfigSchema>;
export type PostmarkSecret = z.output<typeof postmarkSecretSchema>;
