/**
 * Issue 7, defect 1, end to end on the local servers: prototype-named keys in a message's
 * metadata reach the record and come back from `status` (MessageStore.get), and an SES event
 * whose X-Metadata and message tags use them is stored with them. Before the fix the record
 * write threw `Unsupported type passed: [object Object]` and the message vanished.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessageStore } from '../../../src/store/messages.js';
import { settle } from '../../support/hostile/invariant.js';
import { type LocalEnv, localEnv } from '../../support/local.js';
import { issueCertificate } from '../../support/sns/pki.js';
import { sendBodyEntryPoint } from './send-body.js';
import { trackingEntryPoint } from './tracking-body.js';

let env: LocalEnv;
beforeAll(async () => {
  env = await localEnv();
});
afterAll(() => env.clients.destroy());

const prototypeNamed = () =>
  JSON.parse('{"constructor":"1","__proto__":"p","toString":"t","hasOwnProperty":true,"valueOf":2}') as Record<string, unknown>;

describe('prototype-named keys, end to end (defect 1)', () => {
  it('an email whose metadata has them is sent, and status returns every key', async () => {
    const entry = sendBodyEntryPoint('email', env);
    const input = {
      json: {
        channel: 'email',
        from: 'Shop <shop@example.com>',
        to: 'ann@example.com',
        subject: 'Hi',
        text: 'x',
        metadata: prototypeNamed(),
        tags: ['constructor'],
      },
    };
    const seen = await entry.run(input);
    expect(settle(entry.classify(input, seen))).toMatchObject({ kind: 'stored' });
    const record = await new MessageStore(env.clients.doc, env.resources.tables.messages).get(seen.record!.id);
    expect(record?.status).toBe('sent');
    expect(Object.keys(record!.metadata!).sort()).toEqual(['__proto__', 'constructor', 'hasOwnProperty', 'toString', 'valueOf']);
    expect(record!.metadata!['constructor']).toBe('1');
    expect(record!.metadata!['__proto__']).toBe('p');
  });

  it('an SMS whose metadata has them is sent, and status returns every key', async () => {
    const entry = sendBodyEntryPoint('sms', env);
    const input = { json: { channel: 'sms', to: '+14155552671', body: 'hi 😀', metadata: prototypeNamed() } };
    const seen = await entry.run(input);
    expect(settle(entry.classify(input, seen))).toMatchObject({ kind: 'stored' });
    expect(seen.record?.metadata?.['valueOf']).toBe(2);
  });

  it('providerOptions.constructor fails the message at once as unsupported_feature, with its reason in the DLQ (defect 3)', async () => {
    const entry = sendBodyEntryPoint('email', env);
    const input = {
      json: {
        channel: 'email',
        from: 'shop@example.com',
        to: 'ann@example.com',
        subject: 'Hi',
        text: 'x',
        providerOptions: { constructor: 1 },
      },
    };
    const seen = await entry.run(input);
    expect(settle(entry.classify(input, seen))).toEqual({ kind: 'dead-lettered', reason: 'unsupported_feature' });
    expect(seen.record).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'unsupported_feature', retryable: false } });
    expect(seen.record?.error?.message).toContain('providerOptions.constructor');
  });

  it('an SES event whose X-Metadata and message tags have them is stored with them', async () => {
    const cert = issueCertificate();
    const entry = trackingEntryPoint('sns-subscription', env, { privateKey: cert.privateKey, pem: cert.pem });
    const input = {
      fixtureName: 'event-delivery',
      sesTags: JSON.parse('{"constructor":["c"],"__proto__":["p"]}') as Record<string, unknown>,
      xMetadata: prototypeNamed(),
      xTags: [],
      forged: false,
    };
    const seen = await entry.run(input);
    expect(settle(entry.classify(input, seen))).toMatchObject({ kind: 'stored' });
    const [event] = seen.stored;
    const metadata = event!.metadata as Record<string, unknown>;
    // X-Metadata wins over a same-named tag; the fixture's own tags are kept beside them.
    expect(Object.entries(prototypeNamed()).filter(([k, v]) => !Object.hasOwn(metadata, k) || metadata[k] !== v)).toEqual([]);
    expect(metadata['myCustomTag1']).toBe('myCustomTagValue1');
  });
});
