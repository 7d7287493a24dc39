/**
 * HTTP basic auth for providers that authenticate webhooks with credentials embedded in the
 * URL the user pastes (`https://user:pass@host/...`): the provider sends them as
 * `Authorization: Basic`. Compared in constant time; there is no timestamp, nonce or body
 * signature, so a captured request can be replayed: deterministic event ids make the replay
 * a no-op at storage.
 */
import { constantTimeEqual } from './compare.js';
import { WebhookRefusedError } from './errors.js';
import { headerOf, type WebhookRequest } from './types.js';

export interface BasicAuthCredentials {
  readonly username: string;
  readonly password: string;
}

export function checkBasicAuth(request: WebhookRequest, credentials: BasicAuthCredentials, provider: string): void {
  if (!credentials.username && !credentials.password)
    throw new WebhookRefusedError('bad_credentials', `${provider}: no webhook credentials configured`);
  const header = headerOf(request, 'authorization');
  if (!header) throw new WebhookRefusedError('missing_signature', `${provider}: no Authorization header`);
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match) throw new WebhookRefusedError('bad_signature', `${provider}: Authorization is not basic auth`);
  const expected = Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8');
  if (!constantTimeEqual(Buffer.from(match[1]!, 'base64'), expected))
    throw new WebhookRefusedError('bad_signature', `${provider}: basic auth credentials do not match`);
}
