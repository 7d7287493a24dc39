import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  SnsCertificateUnavailableError,
  SnsVerificationError,
  SnsVerifier,
  type SnsVerifierOptions,
} from '../../../src/tracking/sns/index.js';
import { at, CERT_URL, NOW, notification, SIGNED_AT, TOPIC } from '../../support/sns/envelopes.js';
import { issueCertificate, type TestSigningCert } from '../../support/sns/pki.js';
import { env, makeVerifier, refusal } from './support/verifier.js';

let sns: TestSigningCert;

beforeAll(() => {
  sns = issueCertificate();
});

const verifier = (opts: Partial<SnsVerifierOptions> = {}, pems: Record<string, string> = { [CERT_URL]: sns.pem }) =>
  makeVerifier(pems, opts);

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

  it('reports an unreachable certificate as transient, and fetches again once the failure TTL has passed', async () => {
    // Prepare
    const fetchCertificate = vi
      .fn<(url: string) => Promise<string>>()
      .mockRejectedValueOnce(new Error('ETIMEDOUT'))
      .mockResolvedValue(sns.pem);
    let now = NOW.getTime();
    const v = new SnsVerifier({ allowedTopicArns: [TOPIC], fetchCertificate, now: () => new Date(now), certificateFailureTtlMs: 30_000 });
    const envelope = env(notification(sns.privateKey));

    // Act
    const first = await v.verify(envelope).catch((e: unknown) => e);
    now += 30_001;
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
