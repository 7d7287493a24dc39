/**
 * Hostile-input generators for the provider webhook routes (`/webhooks/{instance}/tracking`),
 * ready for the property suite's entry-point table (test/integration/hostile/entry-points.ts)
 * once the route is wired: a documented payload from test/fixtures/<kind>/ with prototype-named
 * keys in its metadata maps, hostile text and wrong types in its fields, then signed with the
 * provider's scheme, or forged / made stale after signing.
 */
import { createHmac, type KeyObject, sign } from 'node:crypto';
import fc from 'fast-check';
import type { WebhookRequest } from '../../../src/providers/webhooks/types.js';
import { type WebhookKind, webhookFixture, webhookFixtureNames } from '../webhook-fixtures.js';
import { hostileJson, hostileKey, hostileRecord, hostileText, scalar, wrongType } from './arbitraries.js';

type Json = Record<string, any>;

/** Where each provider keeps the maps a sender controls, and the fields worth breaking. */
const SHAPES: Record<WebhookKind, { metadata: (p: Json) => Json | undefined; fields: readonly (readonly string[])[] }> = {
  mailgun: {
    metadata: (p) => p['event-data']?.['user-variables'],
    fields: [
      ['event-data'],
      ['event-data', 'event'],
      ['event-data', 'recipient'],
      ['event-data', 'timestamp'],
      ['event-data', 'tags'],
      ['event-data', 'user-variables'],
      ['event-data', 'delivery-status'],
      ['event-data', 'url'],
      ['event-data', 'message'],
    ],
  },
  sendgrid: {
    metadata: (p) => p[0],
    fields: [
      [0, 'event'],
      [0, 'email'],
      [0, 'timestamp'],
      [0, 'category'],
      [0, 'sg_message_id'],
      [0, 'url'],
      [0, 'mailroom_id'],
    ].map((p) => p.map(String)),
  },
  postmark: {
    metadata: (p) => p['Metadata'],
    fields: [
      ['RecordType'],
      ['Type'],
      ['Recipient'],
      ['Email'],
      ['Metadata'],
      ['Tag'],
      ['ID'],
      ['DeliveredAt'],
      ['BouncedAt'],
      ['OriginalLink'],
    ],
  },
  resend: {
    metadata: () => undefined,
    fields: [
      ['type'],
      ['created_at'],
      ['data'],
      ['data', 'to'],
      ['data', 'tags'],
      ['data', 'email_id'],
      ['data', 'bounce'],
      ['data', 'click'],
    ],
  },
};

export interface HostileWebhookPayload {
  readonly kind: WebhookKind;
  readonly fixtureName: string;
  readonly payload: unknown;
}

function setPath(target: Json, path: readonly string[], value: unknown): void {
  let node: Json | undefined = target;
  for (const key of path.slice(0, -1)) {
    if (typeof node?.[key] !== 'object' || node[key] === null) return;
    node = node[key] as Json;
  }
  if (node) Object.defineProperty(node, path[path.length - 1]!, { value, enumerable: true, writable: true, configurable: true });
}

/** A documented tracking payload of `kind`, made hostile. */
export function hostileTrackingPayload(kind: WebhookKind): fc.Arbitrary<HostileWebhookPayload> {
  const names = webhookFixtureNames(kind, 'tracking');
  return fc
    .record({
      fixtureName: fc.constantFrom(...names),
      metadata: hostileRecord(fc.oneof({ weight: 4, arbitrary: scalar }, { weight: 1, arbitrary: hostileJson })),
      resendTags: fc.array(fc.record({ name: fc.oneof(hostileKey, wrongType), value: fc.oneof(hostileText(12), wrongType) }), {
        maxLength: 4,
      }),
      mutations: fc.array(
        fc.record({ path: fc.constantFrom(...SHAPES[kind].fields), value: fc.oneof(wrongType, hostileJson, hostileText(20)) }),
        { maxLength: 3 },
      ),
      whole: fc.option(fc.oneof(wrongType, hostileJson), { nil: undefined, freq: 10 }),
    })
    .map(({ fixtureName, metadata, resendTags, mutations, whole }) => {
      if (whole !== undefined) return { kind, fixtureName, payload: whole };
      const payload = structuredClone(webhookFixture(kind, fixtureName).payload) as Json;
      const map = SHAPES[kind].metadata(payload);
      // Prototype-named keys become own keys (defineProperty: `__proto__` is data, not the prototype).
      if (map && typeof map === 'object')
        for (const k of Object.keys(metadata))
          Object.defineProperty(map, k, { value: metadata[k], enumerable: true, writable: true, configurable: true });
      if (kind === 'resend' && Array.isArray(payload['data']?.['tags'])) payload['data']['tags'].push(...resendTags);
      for (const m of mutations) setPath(payload, m.path, m.value);
      return { kind, fixtureName, payload };
    });
}

export interface SignedWebhook {
  readonly request: WebhookRequest;
  /** true: the body or signature was altered after signing, or the timestamp is stale: must be refused. */
  readonly mustRefuse: boolean;
}

export interface WebhookSigning {
  readonly mailgun: { signingKey: string };
  readonly sendgrid: { privateKey: KeyObject };
  readonly postmark: { username: string; password: string };
  readonly resend: { signingSecret: string };
}

/** A hostile payload as the provider would POST it, signed with `signing` (or forged / stale). */
export function signedHostileWebhook(kind: WebhookKind, signing: WebhookSigning, nowSeconds: number): fc.Arbitrary<SignedWebhook> {
  return fc
    .record({
      p: hostileTrackingPayload(kind),
      attack: fc.constantFrom('none', 'none', 'none', 'forged', 'stale'),
      token: fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 50, maxLength: 50 }),
    })
    .map(({ p, attack, token }) => {
      const ts = attack === 'stale' ? nowSeconds - 3600 : nowSeconds;
      let body: string;
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      switch (kind) {
        case 'mailgun': {
          // Mailgun signs timestamp + token, not the body: a forgery is a signature over another token.
          const signature = createHmac('sha256', signing.mailgun.signingKey)
            .update(`${ts}${attack === 'forged' ? `x${token}` : token}`)
            .digest('hex');
          const base =
            typeof p.payload === 'object' && p.payload !== null && !Array.isArray(p.payload) ? p.payload : { 'event-data': p.payload };
          body = JSON.stringify({ ...base, signature: { timestamp: String(ts), token, signature } });
          break;
        }
        case 'sendgrid':
          body = JSON.stringify(p.payload) ?? 'null';
          headers['X-Twilio-Email-Event-Webhook-Timestamp'] = String(ts);
          headers['X-Twilio-Email-Event-Webhook-Signature'] = sign(
            'sha256',
            Buffer.from(`${ts}${body}`),
            signing.sendgrid.privateKey,
          ).toString('base64');
          break;
        case 'postmark': {
          body = JSON.stringify(p.payload) ?? 'null';
          // Postmark signs no body: a forgery is a request with other credentials.
          const password = attack === 'forged' ? `${signing.postmark.password}x` : signing.postmark.password;
          headers['authorization'] = `Basic ${Buffer.from(`${signing.postmark.username}:${password}`).toString('base64')}`;
          break;
        }
        case 'resend': {
          body = JSON.stringify(p.payload) ?? 'null';
          const id = `msg_${token.slice(0, 27)}`;
          const key = Buffer.from(signing.resend.signingSecret.slice('whsec_'.length), 'base64');
          headers['svix-id'] = id;
          headers['svix-timestamp'] = String(ts);
          headers['svix-signature'] = `v1,${createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest('base64')}`;
          break;
        }
      }
      if (attack === 'forged' && (kind === 'sendgrid' || kind === 'resend')) body = `${body} `;
      // Postmark has no timestamp: a "stale" Postmark request is indistinguishable from a fresh one.
      const mustRefuse = attack === 'forged' || (attack === 'stale' && kind !== 'postmark');
      return {
        request: {
          method: 'POST',
          url: `https://hooks.example.com/webhooks/${kind}/tracking`,
          headers,
          rawBody: Buffer.from(body, 'utf8'),
        },
        mustRefuse,
      };
    });
}
