/**
 * Provider webhook fixtures (test/fixtures/<kind>/<case>.json): `{_source, _note?, _expect,
 * payload}` for tracking, `{_source, _note?, _expect, payload | (contentType, body)}` for inbound.
 * Every fixture must cite an https documentation page.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../fixtures');

export type WebhookKind = 'mailgun' | 'sendgrid' | 'postmark' | 'resend';

export interface TrackingExpectation {
  readonly eventType: string;
  readonly recipients: number;
  readonly bounceType?: string;
  readonly rejectReason?: string;
  readonly mtaResponse?: string;
  readonly clickUrl?: string;
  /** true: a userAgent must be present. */
  readonly userAgent?: boolean;
}

export interface InboundExpectation {
  readonly attachments: number;
  readonly inline: number;
  readonly from: string;
  readonly to: readonly string[];
  readonly cc: readonly string[];
  readonly subject: string;
  readonly envelopeRecipients: readonly string[];
  readonly spf?: string;
  readonly dkim?: string;
  readonly spamDetected?: boolean;
  readonly text?: string;
  readonly rawMime?: boolean;
}

export interface WebhookFixture<E> {
  readonly name: string;
  readonly source: string;
  readonly expect: E;
  readonly payload?: unknown;
  readonly contentType?: string;
  readonly body?: string;
}

export function webhookFixture<E = TrackingExpectation>(kind: WebhookKind, name: string): WebhookFixture<E> {
  const raw = JSON.parse(readFileSync(join(root, kind, `${name}.json`), 'utf8')) as Record<string, unknown>;
  if (typeof raw['_source'] !== 'string' || !raw['_source'].startsWith('https://'))
    throw new Error(`fixture ${kind}/${name} cites no source`);
  return {
    name,
    source: raw['_source'],
    expect: raw['_expect'] as E,
    ...('payload' in raw ? { payload: raw['payload'] } : {}),
    ...(typeof raw['contentType'] === 'string' ? { contentType: raw['contentType'] } : {}),
    ...(typeof raw['body'] === 'string' ? { body: raw['body'] } : {}),
  };
}

export function webhookFixtureNames(kind: WebhookKind, which: 'tracking' | 'inbound'): string[] {
  return readdirSync(join(root, kind))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .filter((n) => (which === 'inbound') === n.startsWith('inbound'))
    .sort();
}

export const RECEIVED_AT = '2026-01-01T00:00:00.000Z';
