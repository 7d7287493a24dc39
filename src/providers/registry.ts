/**
 * The configured adapters, looked up by name (the message's `provider`, or the configured
 * default). Unknown names are configuration errors, not silent fallbacks.
 *
 * Adding a provider (Mailgun, SendGrid, Postmark for email; Twilio for SMS) means one file
 * under src/providers/email or src/providers/sms: a class extending BaseEmailProvider or
 * BaseSmsProvider with a static `capabilities` declaration, `buildPayload` (message → HTTP
 * request bodies), `call` (one HTTP request with the provider's SDK or fetch), `parseStatus`
 * (response → per-recipient RecipientResult), and `errorRules` mapping the provider's error
 * responses to retryable/permanent codes (HTTP 429/5xx are transient already). Then the
 * handler's wiring passes an instance here; nothing else changes. Credentials come from a
 * secret the handler reads at start-up, never from the message.
 */
import { ConfigError } from '../errors.js';
import type { EmailProvider, SmsProvider } from './types.js';

export interface ProviderRegistry {
  email(name: string): EmailProvider;
  sms(name: string): SmsProvider;
  readonly emailNames: readonly string[];
  readonly smsNames: readonly string[];
}

function index<P extends { readonly name: string }>(kind: string, providers: readonly P[], problems: string[]): Map<string, P> {
  const map = new Map<string, P>();
  for (const p of providers) {
    if (map.has(p.name)) problems.push(`two ${kind} providers are named "${p.name}"`);
    map.set(p.name, p);
  }
  return map;
}

export function createProviderRegistry(providers: { email?: readonly EmailProvider[]; sms?: readonly SmsProvider[] }): ProviderRegistry {
  const problems: string[] = [];
  const email = index('email', providers.email ?? [], problems);
  const sms = index('sms', providers.sms ?? [], problems);
  if (problems.length > 0) throw new ConfigError(problems);
  const lookup = <P>(kind: string, map: Map<string, P>, name: string): P => {
    const found = map.get(name);
    if (!found) {
      const known = [...map.keys()];
      throw new ConfigError([`unknown ${kind} provider "${name}"; configured: ${known.length ? known.join(', ') : 'none'}`]);
    }
    return found;
  };
  return {
    email: (name) => lookup('email', email, name),
    sms: (name) => lookup('sms', sms, name),
    emailNames: [...email.keys()],
    smsNames: [...sms.keys()],
  };
}
