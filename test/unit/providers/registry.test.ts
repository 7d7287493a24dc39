import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { LocalEmailProvider } from '../../../src/providers/email/local.js';
import { SesEmailProvider } from '../../../src/providers/email/ses.js';
import { createProviderRegistry } from '../../../src/providers/registry.js';
import { LocalSmsProvider } from '../../../src/providers/sms/local.js';
import { MemorySmsOutbox } from '../../../src/providers/sms/outbox.js';
import { SnsSmsProvider } from '../../../src/providers/sms/sns.js';

const ses = new SESv2Client({ region: 'us-east-1' });
const sns = new SNSClient({ region: 'us-east-1' });

describe('createProviderRegistry', () => {
  it('looks adapters up by name', () => {
    const email = [new SesEmailProvider(ses), new LocalEmailProvider(ses)];
    const registry = createProviderRegistry({ email, sms: [new SnsSmsProvider(sns), new LocalSmsProvider(new MemorySmsOutbox())] });
    expect(registry.email('ses')).toBe(email[0]);
    expect(registry.email('local').name).toBe('local');
    expect(registry.sms('sns').name).toBe('sns');
    expect(registry.emailNames).toEqual(['ses', 'local']);
    expect(registry.smsNames).toEqual(['sns', 'local']);
  });

  it('throws ConfigError naming the configured adapters for an unknown name', () => {
    const registry = createProviderRegistry({ email: [new SesEmailProvider(ses)] });
    expect(() => registry.email('mailgun')).toThrow(ConfigError);
    expect(() => registry.email('mailgun')).toThrow(/unknown email provider "mailgun"; configured: ses/);
    expect(() => registry.sms('twilio')).toThrow(/configured: none/);
  });

  it('refuses two adapters with the same name', () => {
    expect(() => createProviderRegistry({ email: [new SesEmailProvider(ses), new SesEmailProvider(ses)] })).toThrow(
      /two email providers are named "ses"/,
    );
  });
});
