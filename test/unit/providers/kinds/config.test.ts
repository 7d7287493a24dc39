/** Each email kind's configuration fragment (docs/contract.md §7) and secret schema. */
import { describe, expect, it } from 'vitest';
import { mailgunConfigSchema, mailgunSecretSchema } from '../../../../src/providers/kinds/mailgun/config.js';
import { postmarkConfigSchema, postmarkSecretSchema } from '../../../../src/providers/kinds/postmark/config.js';
import { resendConfigSchema, resendSecretSchema } from '../../../../src/providers/kinds/resend/config.js';
import { sendgridConfigSchema, sendgridSecretSchema } from '../../../../src/providers/kinds/sendgrid/config.js';
import { smtpConfigSchema, smtpSecretSchema } from '../../../../src/providers/kinds/smtp/config.js';

describe('email kind configuration', () => {
  it('takes the contract example entries and fills the defaults', () => {
    expect(mailgunConfigSchema.parse({ kind: 'mailgun', secret: 'mailroom/mailgun', domain: 'mg.example.com', region: 'eu' })).toEqual({
      kind: 'mailgun',
      secret: 'mailroom/mailgun',
      domain: 'mg.example.com',
      region: 'eu',
    });
    expect(mailgunConfigSchema.parse({ kind: 'mailgun', secret: 's', domain: 'mg.example.com' }).region).toBe('us');
    expect(smtpConfigSchema.parse({ kind: 'smtp', secret: 'mailroom/smtp', host: 'smtp.example.com', port: 587 })).toEqual({
      kind: 'smtp',
      secret: 'mailroom/smtp',
      host: 'smtp.example.com',
      port: 587,
      tls: 'starttls',
      pool: true,
      maxConnections: 5,
    });
    expect(sendgridConfigSchema.parse({ kind: 'sendgrid', secret: 's' }).region).toBe('global');
    expect(postmarkConfigSchema.parse({ kind: 'postmark', secret: 's' }).messageStream).toBe('outbound');
    expect(resendConfigSchema.parse({ kind: 'resend', secret: 's', live: true })).toEqual({ kind: 'resend', secret: 's', live: true });
  });

  it('refuses unknown keys, a missing secret and bad values', () => {
    expect(mailgunConfigSchema.safeParse({ kind: 'mailgun', secret: 's', domain: 'mg.example.com', apiKey: 'inline' }).success).toBe(false);
    expect(mailgunConfigSchema.safeParse({ kind: 'mailgun', domain: 'mg.example.com' }).success).toBe(false);
    expect(mailgunConfigSchema.safeParse({ kind: 'mailgun', secret: 's', domain: 'mg.example.com', region: 'asia' }).success).toBe(false);
    expect(smtpConfigSchema.safeParse({ kind: 'smtp', secret: 's', host: 'h', port: 70000 }).success).toBe(false);
    expect(smtpConfigSchema.safeParse({ kind: 'smtp', secret: 's', host: 'h', tls: 'maybe' }).success).toBe(false);
    expect(postmarkConfigSchema.safeParse({ kind: 'sendgrid', secret: 's' }).success).toBe(false);
  });

  it("validates the secrets' JSON", () => {
    expect(mailgunSecretSchema.safeParse({ apiKey: 'k', webhookSigningKey: 'w' }).success).toBe(true);
    expect(mailgunSecretSchema.safeParse({ webhookSigningKey: 'w' }).success).toBe(false);
    expect(sendgridSecretSchema.safeParse({ apiKey: 'SG.k' }).success).toBe(true);
    expect(postmarkSecretSchema.safeParse({ serverToken: '' }).success).toBe(false);
    expect(resendSecretSchema.safeParse({ apiKey: 're_k', webhookSigningSecret: 'not-whsec' }).success).toBe(false);
    expect(smtpSecretSchema.safeParse({}).success).toBe(true);
    expect(smtpSecretSchema.safeParse({ username: 'u' }).success).toBe(false);
  });
});
