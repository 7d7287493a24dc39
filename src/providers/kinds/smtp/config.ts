/**
 * An SMTP relay's configuration entry (docs/contract.md §7) and the JSON of its secret.
 * `{ "kind": "smtp", "secret": "mailroom/smtp", "host": "smtp.example.com", "port": 587 }`
 * `tls`: `starttls` (port 587: the connection is upgraded, and refused if the server cannot),
 * `implicit` (port 465: TLS from the first byte), or `none` (a trusted local relay only).
 */
import * as z from 'zod';

export const SMTP_TLS_MODES = ['starttls', 'implicit', 'none'] as const;

export const smtpConfigSchema = z
  .object({
    kind: z.literal('smtp'),
    secret: z.string().min(1),
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(587),
    tls: z.enum(SMTP_TLS_MODES).default('starttls'),
    /** Keep up to `maxConnections` connections open and reuse them between messages. */
    pool: z.boolean().default(true),
    maxConnections: z.number().int().min(1).max(100).default(5),
    live: z.boolean().optional(),
  })
  .strict();

/** Credentials for AUTH (PLAIN/LOGIN, whichever the server offers); omit both for an open relay. */
export const smtpSecretSchema = z
  .object({
    username: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
  })
  .refine((s) => (s.username === undefined) === (s.password === undefined), { message: 'username and password go together' });

export type SmtpConfig = z.output<typeof smtpConfigSchema>;
export type SmtpSecret = z.output<typeof smtpSecretSchema>;
