import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import {
  CertificateCache,
  parseSigningCertUrl,
  SnsCertificateUnavailableError,
  type SnsEnvelope,
  SnsVerificationError,
  SnsVerifier,
  type SnsVerifierOptions,
} from '../../../src/tracking/sns/index.js';
import { thrown } from '../../support/sns/deps.js';
import { CERT_URL, confirmation, notification, OTHER_TOPIC, SIGNED_AT, TOPIC } from '../../support/sns/envelopes.js';
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
    const reasons = await Promise.all(
      lookalikes.map(async (t) => (await refusal(v.verify(env(notification(sns.privateKey, { TopicArn: t }))))).reason),
    );

    // Assess
    expect(reasons).toEqual(['topic_not_allowed', 'topic_not_allowed', 'topic_not_allowed']);
  });

  it('refuses a SubscriptionConfirmation from a topic not on the allowlist without any network call', async () => {
    // Prepare: genuine and forged alike, nothing is fetched for a topic we do not accept.
    const { v, fetchCertificate } = verifier();
    const genuine = env(confirmation(sns.privateKey, 'SubscriptionConfirmation', { TopicArn: OTHER_TOPIC }));
    const forged = env(confirmation(impostor.privateKey, 'SubscriptionConfirmation', { TopicArn: OTHER_TOPIC }));

    // Act
    const genuineRefusal = await refusal(v.verify(genuine));
    const forgedRefusal = await refusal(v.verify(forged));

    // Assess
    expect(genuineRefusal).toMatchObject({ reason: 'topic_not_allowed', signatureVerified: false });
    expect(forgedRefusal).toMatchObject({ reason: 'topic_not_allowed', signatureVerified: false });
    expect(fetchCertificate).not.toHaveBeenCalled();
  });

  it('remembers a failed certificate fetch: the same URL again makes no second call until the TTL passes', async () => {
    // Prepare: the allowed topic, but its certificate URL answers nothing.
    let now = Date.parse('2026-01-01T00:00:00Z');
    const fetchCertificate = vi.fn(async (_url: string): Promise<string> => {
      throw new SnsCertificateUnavailableError(CERT_URL, 'HTTP 503');
    });
    const { v } = verifier({ fetchCertificate, certificateFailureTtlMs: 60_000 });
    const cache = new CertificateCache(fetchCertificate, { failureTtlMs: 60_000, now: () => now });
    const url = parseSigningCertUrl(CERT_URL);

    // Act
    const first = await v.verify(env(notification(sns.privateKey))).catch((e: unknown) => e);
    const second = await v.verify(env(notification(sns.privateKey))).catch((e: unknown) => e);
    const callsThroughVerifier = fetchCertificate.mock.calls.length;
    fetchCertificate.mockClear();
    await cache.get(url).catch(() => undefined);
    await cache.get(url).catch(() => undefined);
    const withinTtl = fetchCertificate.mock.calls.length;
    now += 60_001;
    await cache.get(url).catch(() => undefined);

    // Assess
    expect(first).toBeInstanceOf(SnsCertificateUnavailableError);
    expect(second).toBe(first);
    expect(callsThroughVerifier).toBe(1);
    expect(withinTtl).toBe(1);
    expect(fetchCertificate).toHaveBeenCalledTimes(2);
  });

  it('keeps the failure cache bounded: the oldest failure goes first', async () => {
    // Prepare
    const fetchCertificate = vi.fn(async (url: string): Promise<string> => {
      throw new SnsVerificationError('cert_url', `${url} answered HTTP 404`);
    });
    const cache = new CertificateCache(fetchCertificate, { maxFailures: 3, now: () => 0 });
    const urls = [1, 2, 3, 4].map((n) => parseSigningCertUrl(CERT_URL.replace('.pem', `-${n}.pem`)));

    // Act
    for (const url of urls) await cache.get(url).catch(() => undefined);
    await cache.get(urls[0]!).catch(() => undefined);
    await cache.get(urls[3]!).catch(() => undefined);

    // Assess: the first URL was forgotten (fetched again), the last one was not.
    expect(cache.failureCount).toBe(3);
    expect(fetchCertificate).toHaveBeenCalledTimes(5);
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
      notification(
        impostor.privateKey,
        { TopicArn: OTHER_TOPIC, SigningCertURL: 'https://sns.evil.com/x.pem' },
        { Message: 'tampered', SignatureVersion: '9' },
      ),
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
    const error = thrown(
      () => new SnsVerifier({ allowedTopicArns: ['*', 'arn:aws:sns:*:111122223333:t', TOPIC, 'arn:aws:sqs:eu-west-1:111122223333:q'] }),
    );

    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toHaveLength(3);
  });

  it('rejects a non-positive maxAgeSeconds', () => {
    expect(() => new SnsVerifier({ allowedTopicArns: [TOPIC], maxAgeSeconds: 0 })).toThrow(/maxAgeSeconds/);
  });
});
