import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseSnsEnvelope, type SnsEnvelope, SnsVerifier, type SnsVerifierOptions } from '../../../src/tracking/sns/index.js';
import { certificateServer } from '../../support/sns/deps.js';
import { at, CERT_URL, confirmation, type Fields, notification, SIGNED_AT } from '../../support/sns/envelopes.js';
import { issueCertificate, type TestSigningCert } from '../../support/sns/pki.js';
import { env, makeVerifier, refusal } from './support/verifier.js';

let sns: TestSigningCert;
let impostor: TestSigningCert;

beforeAll(() => {
  sns = issueCertificate();
  impostor = issueCertificate();
});

const verifier = (opts: Partial<SnsVerifierOptions> = {}, pems: Record<string, string> = { [CERT_URL]: sns.pem }) =>
  makeVerifier(pems, opts);

describe('SnsVerifier with messages signed by SNS itself', () => {
  // Five messages SNS delivered in us-west-2, with the certificate it signed them with; see
  // test/fixtures/sns/README.md. They prove the string to sign matches AWS, not our reading.
  const dir = new URL('../../fixtures/sns/', import.meta.url);
  const pemUrl = 'https://sns.us-west-2.amazonaws.com/SimpleNotificationService-7506a1e35b36ef5a444dd1a8e7cc3ed8.pem';
  const pem = readFileSync(new URL('SimpleNotificationService-7506a1e35b36ef5a444dd1a8e7cc3ed8.pem', dir), 'utf8');
  const genuine = (name: string): SnsEnvelope => parseSnsEnvelope(readFileSync(new URL(name, dir), 'utf8'));
  const forAws = (e: SnsEnvelope) =>
    new SnsVerifier({
      allowedTopicArns: [e.TopicArn],
      fetchCertificate: certificateServer({ [pemUrl]: pem }),
      now: () => new Date(Date.parse(e.Timestamp) + 30_000),
    });

  it.each([
    'notification-with-subject-v1.json',
    'notification-no-subject-v1.json',
    'notification-v2.json',
    'subscription-confirmation-v1.json',
    'unsubscribe-confirmation-v2.json',
  ])('verifies %s', async (name) => {
    // Prepare
    const envelope = genuine(name);

    // Act / Assess
    await expect(forAws(envelope).verify(envelope)).resolves.toBeUndefined();
  });

  it('refuses a genuine message whose Message was altered by one character', async () => {
    // Prepare
    const original = genuine('notification-v2.json');
    const altered = { ...original, Message: original.Message.replace('2.', '2!') };

    // Act
    const error = await refusal(forAws(altered).verify(altered));

    // Assess
    expect(error.reason).toBe('bad_signature');
  });
});

describe('SnsVerifier signatures', () => {
  it.each([
    ['SignatureVersion 1 (SHA1withRSA) with a Subject', { SignatureVersion: '1' }],
    ['SignatureVersion 2 (SHA256withRSA) with a Subject', { SignatureVersion: '2' }],
    ['SignatureVersion 1 without a Subject', { SignatureVersion: '1', Subject: undefined }],
    ['SignatureVersion 2 without a Subject', { SignatureVersion: '2', Subject: undefined }],
  ])('accepts a notification signed with %s', async (_case, overrides) => {
    // Prepare
    const { v, fetchCertificate } = verifier();
    const envelope = env(notification(sns.privateKey, overrides));

    // Act / Assess
    await expect(v.verify(envelope)).resolves.toBeUndefined();
    expect(fetchCertificate).toHaveBeenCalledWith(CERT_URL);
  });

  it.each(['SubscriptionConfirmation', 'UnsubscribeConfirmation'] as const)('accepts a signed %s', async (type) => {
    // Prepare
    const { v } = verifier();

    // Act / Assess
    await expect(v.verify(env(confirmation(sns.privateKey, type)))).resolves.toBeUndefined();
  });

  const flipByte = (b64: string): string => {
    const bytes = Buffer.from(b64, 'base64');
    bytes[10] = bytes[10]! ^ 0x01;
    return bytes.toString('base64');
  };
  it.each<[string, (signed: Fields) => Fields]>([
    ['a tampered Message', () => ({ Message: '{"eventType":"Bounce"}' })],
    ['a tampered MessageId', () => ({ MessageId: 'another-id' })],
    ['a tampered Timestamp', () => ({ Timestamp: at(SIGNED_AT, -1) })],
    ['a Subject changed after signing', () => ({ Subject: 'Injected' })],
    ['a Subject removed after signing', () => ({ Subject: undefined })],
    [
      'a Signature made with another key',
      () => ({ Signature: notification(impostor.privateKey, { Subject: 'Original subject' })['Signature'] }),
    ],
    ['a flipped Signature byte', (signed) => ({ Signature: flipByte(signed['Signature']!) })],
    ['a Signature that is not base64', () => ({ Signature: 'not base64!' })],
    ['the version switched from 1 to 2', () => ({ SignatureVersion: '2' })],
  ])('refuses %s as bad_signature', async (_case, tamper) => {
    // Prepare
    const { v } = verifier();
    const signed = notification(sns.privateKey, { Subject: 'Original subject' });
    const tampered = Object.entries({ ...signed, ...tamper(signed) }).filter(([, x]) => x !== undefined);
    const envelope = env(Object.fromEntries(tampered));

    // Act
    const error = await refusal(v.verify(envelope));

    // Assess
    expect(error.reason).toBe('bad_signature');
    expect(error.messageId).toBe(envelope.MessageId);
  });

  it('refuses a tampered confirmation Token', async () => {
    // Prepare
    const { v } = verifier();
    const envelope = env(confirmation(sns.privateKey, 'SubscriptionConfirmation', {}, { Token: 'attacker-token' }));

    // Act / Assess
    expect((await refusal(v.verify(envelope))).reason).toBe('bad_signature');
  });

  it.each(['3', '0', 'constructor', 'toString', '__proto__'])(
    'refuses SignatureVersion %j without fetching a certificate',
    async (version) => {
      // Prepare: names of Object.prototype members must not pass for a known version.
      const { v, fetchCertificate } = verifier();
      const envelope = env(notification(sns.privateKey, {}, { SignatureVersion: version }));

      // Act
      const error = await refusal(v.verify(envelope));

      // Assess
      expect(error.reason).toBe('unsupported_version');
      expect(fetchCertificate).not.toHaveBeenCalled();
    },
  );
});
