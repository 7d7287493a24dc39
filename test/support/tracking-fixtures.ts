/** Loads the SES and SNS SMS fixtures (test/fixtures/<provider>/<case>.json) without their `_source`/`_note`. */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../fixtures');

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function fixture(provider: 'ses' | 'sns-sms', name: string): Json {
  const { _source, _note, ...rest } = JSON.parse(readFileSync(join(root, provider, `${name}.json`), 'utf8')) as Json;
  if (typeof _source !== 'string' || !_source.startsWith('https://')) throw new Error(`fixture ${provider}/${name} cites no source`);
  return rest;
}

export function fixtureNames(provider: 'ses' | 'sns-sms'): string[] {
  return readdirSync(join(root, provider))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

export const RECEIVED_AT = '2024-05-01T12:00:00.000Z';
export const sesCtx = { receivedAt: RECEIVED_AT, provider: 'ses' } as const;
export const smsCtx = { receivedAt: RECEIVED_AT, provider: 'sns' } as const;
