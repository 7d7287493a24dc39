/**
 * Issue 7, defects 1, 3 and 4: a key named after an Object.prototype member is a key like any
 * other, in every producer object the contract takes, in the adapters' option lookups and in
 * the DynamoDB translation. Each test failed before the fix.
 */

import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { InvalidMessageError, validateMessage } from '../../../src/contract/validate.js';
import { SesEmailProvider } from '../../../src/providers/email/ses.js';
import { UnsupportedFeatureError } from '../../../src/providers/errors.js';
import { SnsSmsProvider } from '../../../src/providers/sms/sns.js';
import { marshallItem, unmarshallItem } from '../../../src/store/codec.js';
import { PROTOTYPE_KEYS } from '../../support/hostile/arbitraries.js';
import { ctx, email, sms } from '../providers/support.js';

const emailBody = (over: Record<string, unknown>) =>
  // JSON text, not an object literal: `{"__proto__": …}` in JSON.parse is an own key, as a producer sends it.
  `{"channel":"email","id":"k-1","from":"s@example.com","to":"a@example.com","subject":"s","text":"t",${Object.entries(over)
    .map(([k, v]) => `${JSON.stringify(k)}:${v}`)
    .join(',')}}`;
const objectOf = (keys: readonly string[], value: string) => `{${keys.map((k) => `${JSON.stringify(k)}:${value}`).join(',')}}`;

function refusal(body: string): InvalidMessageError {
  try {
    validateMessage(body, 'email');
  } catch (error) {
    if (error instanceof InvalidMessageError) return error;
    throw error;
  }
  throw new Error('expected the message to be refused');
}

describe('prototype-named keys in producer objects (defects 1 and 4)', () => {
  it('keeps every prototype-named key of metadata, headers, template data and mergeGlobalData, on objects without a prototype', () => {
    const { message } = validateMessage(
      emailBody({
        metadata: objectOf(PROTOTYPE_KEYS, '"v"'),
        headers: objectOf(PROTOTYPE_KEYS, '"v"'),
        mergeGlobalData: objectOf(PROTOTYPE_KEYS, '{"x":1}'),
        template: `{"subject":"s","text":"t","data":${objectOf(PROTOTYPE_KEYS, '1')}}`,
        providerOptions: objectOf(PROTOTYPE_KEYS, '1'),
      }),
      'email',
    );
    if (message.channel !== 'email') throw new Error('email expected');
    const template = message.template as { data: Record<string, unknown> };
    for (const field of [message.metadata, message.headers, message.mergeGlobalData, template.data, message.providerOptions]) {
      expect(Object.keys(field!).sort()).toEqual([...PROTOTYPE_KEYS].sort());
      expect(Object.getPrototypeOf(field)).toBeNull();
    }
    expect(message.metadata?.['__proto__']).toBe('v');
    expect(message.metadata?.['constructor']).toBe('v');
  });

  it('refuses a metadata __proto__ whose value is not a scalar, naming the field', () => {
    const error = refusal(emailBody({ metadata: '{"__proto__":{"polluted":true}}' }));
    expect(error.reasons.map((r) => r.path)).toEqual(['metadata.__proto__']);
  });

  it('applies the "keys must be addresses in to" rule to a mergeData key __proto__', () => {
    const error = refusal(emailBody({ mergeData: '{"__proto__":{"name":"x"}}' }));
    expect(error.reasons).toEqual([{ path: 'mergeData.__proto__', message: 'mergeData keys must be addresses listed in to' }]);
  });
});

describe('prototype-named providerOptions keys (defect 3)', () => {
  it('the SES adapter refuses providerOptions.constructor as an unsupported feature, naming it', async () => {
    const ses = mockClient(SESv2Client);
    ses.on(SendEmailCommand).resolves({ MessageId: 'x' });
    const message = email({
      to: 'a@example.com',
      subject: 's',
      text: 't',
      providerOptions: JSON.parse('{"constructor":1,"__proto__":2}') as Record<string, unknown>,
    });
    const error = await new SesEmailProvider(new SESv2Client({ region: 'us-east-1' })).send(message, ctx()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedFeatureError);
    expect((error as UnsupportedFeatureError).retryable).toBe(false);
    expect((error as UnsupportedFeatureError).features.join(' ')).toMatch(/providerOptions\.constructor .*providerOptions\.__proto__/);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
    ses.restore();
  });

  it('the SNS adapter refuses providerOptions.toString as an unsupported feature, naming it', async () => {
    const sns = mockClient(SNSClient);
    sns.on(PublishCommand).resolves({ MessageId: 'x' });
    const message = sms({ to: '+14155552671', body: 'hi', providerOptions: { toString: 'x', hasOwnProperty: 'y' } });
    const error = await new SnsSmsProvider(new SNSClient({ region: 'us-east-1' })).send(message, ctx()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedFeatureError);
    expect((error as UnsupportedFeatureError).features).toEqual([
      'providerOptions.toString (not an option this adapter passes on)',
      'providerOptions.hasOwnProperty (not an option this adapter passes on)',
    ]);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    sns.restore();
  });
});

describe('DynamoDB translation of prototype-named keys (defect 1)', () => {
  it('marshals and unmarshals every prototype-named key at any depth, whatever its value', () => {
    const nested = JSON.parse(objectOf(PROTOTYPE_KEYS, objectOf(PROTOTYPE_KEYS, '{"name":"String"}'))) as Record<string, unknown>;
    const item = { id: 'x', metadata: JSON.parse(objectOf(PROTOTYPE_KEYS, '"1"')) as unknown, nested };
    const back = unmarshallItem(marshallItem(item));
    expect(JSON.stringify(back)).toBe(JSON.stringify(item));
    expect(Object.keys((back['nested'] as Record<string, Record<string, unknown>>)['__proto__']!)).toEqual([...PROTOTYPE_KEYS]);
  });
});
