import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import {
  parseSnsEnvelope,
  SnsCertificateUnavailableError,
  SnsVerificationError,
  SnsVerifier,
  type SnsEnvelope,
  type SnsVerifierOptions,
} from '../../../src/tracking/sns/index.js';
import { certificateServer, thrown } from './support/deps.js';
import { at, CERT_URL, confirmation, NOW, notification, OTHER_TOPIC, SIGNED_AT, TOPIC, type Fields } from './support/envelopes.js';
import { issueCertificate, type TestSigningCert } from './support/pki.js';

let sns: TestSigningCert;
let impostor: TestSigningCert;

beforeAll(() => {
  sns = issueCertificate();
  impostor = issueCertificate();
});

function verifier(opts: Partial<SnsVerifierOptions> = {}, pems: Record<string, string> = { [CERT_URL]: sns.pem }) {
  const fetchCertificate = certificateServer(pems);
  const v = new SnsVerifier({ allowedTopicArns: [TOPIC], fetchCertificate, now: () => NOW, ...opts });
  return { v, fetchCertificate };
}

const env = (f: Fields): SnsEnvelope => parseSnsEnvelope(f);

async function refusal(p: Promise<unknown>): Promise<SnsVerificationError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SnsVerificationError);
  return error as SnsVerificationError;
}

describe('SnsVerifier with messages signed by SNS itself', () => {
  // Five messages SNS delivered in us-west-2, with the certificate it signed them with; see
  // fixtures/aws-signed/README.md. They prove the string to sign matches AWS, not our reading.
  const dir = new URL('./fixtures/aws-signed/', import.meta.url);
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
    ['a Signature made with another key', () => ({ Signature: notification(impostor.privateKey, { Subject: 'Original subject' })['Signature'] })],
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

  it('refuses an unknown SignatureVersion without fetching a certificate', async () => {
    // Prepare
    const { v, fetchCertificate } = verifier();
    const envelope = env(notification(sns.privateKey, {}, { SignatureVersion: '3' }));

    // Act
    const error = await refusal(v.verify(envelope));

    // Assess
    expect(error.reason).toBe('unsupported_version');
    expect(fetchCertificate).not.toHaveBeenCalled();
  });
});

describe('SnsVerifier certificate URL and certificate', () => {
  it.each([
    'https://sns.evil.com/SimpleNotificationService-0123.pem',
    'https://sns.eu-west-1.amazonaws.com.evil.com/SimpleNotificationService-0123.pem',
    'http://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0123.pem',
    'https://attacker@sns.eu-west-1.amazonaws.com/SimpleNotificationService-0123.pem',
    'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0123.txt',
  ])('refuses %s without fetching it', async (url) => {
    // Prepare: properly signed, only the certificate URL is foreign.
    const { v, fetchCertificate } = verifier({}, { [url]: sns.pem });
    const envelope = env(notification(sns.privateKey, { SigningCertURL: url }));

    // Act
    const error = await refusal(v.verify(envelope));

    // Assess
    expect(error.reason).toBe('cert_url');
    expect(fetchCertificate).not.toHaveBeenCalled();
  });

  it.each<[string, () => string]>([
    ['is issued to another name', () => issueCertificate({ cn: 'sns.evil.com', dnsNames: ['sns.evil.com'] }).pem],
    ['is not a certificate', () => '<html>Not Found</html>'],
    ['is a truncated PEM', () => sns.pem.slice(0, 400)],
  ])('refuses a certificate that %s', async (_case, pem) => {
    // Prepare
    const { v } = verifier({}, { [CERT_URL]: pem() });

    // Act / Assess
    expect((await refusal(v.verify(env(notification(sns.privateKey))))).reason).toBe('cert_url');
  });

  it('refuses a certificate with an EC key even if the name is right', async () => {
    // Prepare
    const ec = issueCertificate({ keyType: 'ec' });
    const { v } = verifier({}, { [CERT_URL]: ec.pem });

    // Act / Assess
    expect((await refusal(v.verify(env(notification(ec.privateKey))))).reason).toBe('cert_url');
  });

  it('accepts a certificate that names the SNS host only in its subject CN (no SAN)', async () => {
    // Prepare
    const cnOnly = issueCertificate({ dnsNames: [] });
    const { v } = verifier({}, { [CERT_URL]: cnOnly.pem });

    // Act / Assess
    await expect(v.verify(env(notification(cnOnly.privateKey)))).resolves.toBeUndefined();
  });

  it('accepts the sns-signing.<region> name in that region only', async () => {
    // Prepare
    const optIn = issueCertificate({ cn: 'sns-signing.af-south-1.amazonaws.com', dnsNames: ['sns-signing.af-south-1.amazonaws.com'] });
    const capeTown = 'https://sns.af-south-1.amazonaws.com/SimpleNotificationService-aa.pem';
    const virginia = 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-aa.pem';
    const { v } = verifier({}, { [capeTown]: optIn.pem, [virginia]: optIn.pem });

    // Act
    const there = v.verify(env(notification(optIn.privateKey, { SigningCertURL: capeTown })));
    const elsewhere = v.verify(env(notification(optIn.privateKey, { SigningCertURL: virginia })));

    // Assess
    await expect(there).resolves.toBeUndefined();
    expect((await refusal(elsewhere)).reason).toBe('cert_url');
  });

  it.each([
    ['after the certificate expired', 40 * 24 * 3600],
    ['before the certificate was issued', -24 * 3600],
  ])('refuses a message signed %s', async (_case, shift) => {
    // Prepare
    const signedAt = at(SIGNED_AT, shift);
    const { v } = verifier({ now: () => new Date(Date.parse(signedAt) + 30_000) });

    // Act
    const error = await refusal(v.verify(env(notification(sns.privateKey, { Timestamp: signedAt }))));

    // Assess
    expect(error.reason).toBe('cert_url');
    expect(error.message).toMatch(/not valid at/);
  });

  it('reports an unreachable certificate as transient, and fetches again next time', async () => {
    // Prepare
    const fetchCertificate = vi.fn<(url: string) => Promise<string>>().mockRejectedValueOnce(new Error('ETIMEDOUT')).mockResolvedValue(sns.pem);
    const v = new SnsVerifier({ allowedTopicArns: [TOPIC], fetchCertificate, now: () => NOW });
    const envelope = env(notification(sns.privateKey));

    // Act
    const first = await v.verify(envelope).catch((e: unknown) => e);
    const second = v.verify(envelope);

    // Assess
    expect(first).toBeInstanceOf(SnsCertificateUnavailableError);
    expect(first).not.toBeInstanceOf(SnsVerificationError);
    await expect(second).resolves.toBeUndefined();
    expect(fetchCertificate).toHaveBeenCalledTimes(2);
  });
});

describe('SnsVerifier certificate cache', () => {
  it('fetches a certificate once for sequential and concurrent messages', async () => {
    // Prepare
    const { v, fetchCertificate } = verifier();
    const messages = Array.from({ length: 5 }, (_, i) => env(notification(sns.privateKey, { MessageId: `m-${i}` })));

    // Act
    await v.verify(messages[0]!);
    await Promise.all(messages.slice(1).map((m) => v.verify(m)));

    // Assess
    expect(fetchCertificate).toHaveBeenCalledTimes(1);
  });

  it('shares one in-flight fetch between concurrent first messages', async () => {
    // Prepare
    const { v, fetchCertificate } = verifier();
    const messages = Array.from({ length: 4 }, (_, i) => env(notification(sns.privateKey, { MessageId: `c-${i}` })));

    // Act
    await Promise.all(messages.map((m) => v.verify(m)));

    // Assess
    expect(fetchCertificate).toHaveBeenCalledTimes(1);
  });

  it('keeps at most certificateCacheSize certificates, least recently used out first', async () => {
    // Prepare
    const urls = ['a', 'b', 'c'].map((n) => `https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-${n}.pem`);
    const { v, fetchCertificate } = verifier({ certificateCacheSize: 2 }, Object.fromEntries(urls.map((u) => [u, sns.pem])));
    const via = (url: string) => v.verify(env(notification(sns.privateKey, { SigningCertURL: url })));

    // Act: a, b, a (a is now most recent), c (evicts b), a (cached), b (fetched again)
    for (const url of [urls[0]!, urls[1]!, urls[0]!, urls[2]!, urls[0]!, urls[1]!]) await via(url);

    // Assess
    expect(fetchCertificate.mock.calls.map(([u]) => u.slice(-5, -4))).toEqual(['a', 'b', 'c', 'b']);
  });
});

describe('SnsVerifier topic allowlist and age', () => {
  it('refuses a notification from a topic not on the allowlist without fetching a certificate', async () => {
    // Prepare
    const { v, fetchCertificate } = verifier();
    const envelope = env(notification(sns.privateKey, { TopicArn: OTHER_TOPIC }));

    // Act
    const error = await refusal(v.verify(envelope));

    // Assess
    expect(error.reason).toBe('topic_not_allowed');
    expect(error.topicArn).toBe(OTHER_TOPIC);
    expect(fetchCertificate).not.toHaveBeenCalled();
  });

  it('matches topics exactly: same name in another account or region is refused', async () => {
    // Prepare
    const { v } = verifier();
    const lookalikes = [TOPIC.replace('111122223333', '111122223334'), TOPIC.replace('eu-west-1', 'eu-west-2'), `${TOPIC}-2`];

    // Act
    const reasons = await Promise.all(lookalikes.map(async (t) => (await refusal(v.verify(env(notification(sns.privateKey, { TopicArn: t }))))).reason));

    // Assess
    expect(reasons).toEqual(['topic_not_allowed', 'topic_not_allowed', 'topic_not_allowed']);
  });

  it('checks the signature of a confirmation from an unknown topic before refusing it', async () => {
    // Prepare
    const { v, fetchCertificate } = verifier();
    const genuine = env(confirmation(sns.privateKey, 'SubscriptionConfirmation', { TopicArn: OTHER_TOPIC }));
    const forged = env(confirmation(impostor.privateKey, 'SubscriptionConfirmation', { TopicArn: OTHER_TOPIC }));

    // Act
    const genuineRefusal = await refusal(v.verify(genuine));
    const forgedRefusal = await refusal(v.verify(forged));

    // Assess
    expect(genuineRefusal).toMatchObject({ reason: 'topic_not_allowed', signatureVerified: true });
    expect(forgedRefusal).toMatchObject({ reason: 'bad_signature', signatureVerified: false });
    expect(fetchCertificate).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['older than the default 2 hours', -2 * 3600 - 1, {}],
    ['older than a configured maxAgeSeconds', -601, { maxAgeSeconds: 600 }],
    ['more than 5 minutes in the future', 301, {}],
  ])('refuses a Timestamp %s as expired, without fetching', async (_case, ageShift, opts) => {
    // Prepare
    const { v, fetchCertificate } = verifier({ ...opts, now: () => new Date(Date.parse(SIGNED_AT) - ageShift * 1000) });

    // Act
    const error = await refusal(v.verify(env(notification(sns.privateKey))));

    // Assess
    expect(error.reason).toBe('expired');
    expect(fetchCertificate).not.toHaveBeenCalled();
  });

  it('accepts an old message when the call raises the age limit (Lambda records, replay)', async () => {
    // Prepare: signed 3 days before "now"; the certificate was valid then.
    const { v } = verifier({ now: () => new Date(Date.parse(SIGNED_AT) + 3 * 24 * 3600 * 1000) });
    const envelope = env(notification(sns.privateKey));

    // Act / Assess
    expect((await refusal(v.verify(envelope))).reason).toBe('expired');
    await expect(v.verify(envelope, { maxAgeSeconds: Infinity })).resolves.toBeUndefined();
  });
});

describe('SnsVerifier skipSignatureCheck (mailroom replay --skip-signature-check)', () => {
  it('skips signature, certificate, allowlist and age checks, and fetches nothing', async () => {
    // Prepare: everything wrong but the shape.
    const { v, fetchCertificate } = verifier({ skipSignatureCheck: true, now: () => new Date('2031-01-01T00:00:00Z') });
    const envelope = env(
      notification(impostor.privateKey, { TopicArn: OTHER_TOPIC, SigningCertURL: 'https://sns.evil.com/x.pem' }, { Message: 'tampered', SignatureVersion: '9' }),
    );

    // Act / Assess
    await expect(v.verify(envelope)).resolves.toBeUndefined();
    expect(fetchCertificate).not.toHaveBeenCalled();
  });

  it('still refuses something that is not an SNS envelope', async () => {
    // Prepare
    const { v } = verifier({ skipSignatureCheck: true });

    // Act / Assess
    expect((await refusal(v.verify({ Type: 'Notification' } as unknown as SnsEnvelope))).reason).toBe('malformed');
  });
});

describe('SnsVerifier configuration', () => {
  it('rejects wildcards and non-topic ARNs, listing each', () => {
    // Act
    const error = thrown(() => new SnsVerifier({ allowedTopicArns: ['*', 'arn:aws:sns:*:111122223333:t', TOPIC, 'arn:aws:sqs:eu-west-1:111122223333:q'] }));

    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toHaveLength(3);
  });

  it('rejects a non-positive maxAgeSeconds', () => {
    expect(() => new SnsVerifier({ allowedTopicArns: [TOPIC], maxAgeSeconds: 0 })).toThrow(/maxAgeSeconds/);
  });
});
