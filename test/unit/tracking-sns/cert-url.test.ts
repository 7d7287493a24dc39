import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectedCertificateNames, parseSigningCertUrl, SnsVerificationError } from '../../../src/tracking/sns/index.js';
import { thrown } from '../../support/sns/deps.js';

const PEM_NAME = 'SimpleNotificationService-7506a1e35b36ef5a444dd1a8e7cc3ed8.pem';

describe('parseSigningCertUrl', () => {
  it.each([
    ['us-east-1', `https://sns.us-east-1.amazonaws.com/${PEM_NAME}`, 'aws'],
    ['an opt-in region', `https://sns.ap-southeast-5.amazonaws.com/${PEM_NAME}`, 'aws'],
    ['China (amazonaws.com.cn)', `https://sns.cn-north-1.amazonaws.com.cn/${PEM_NAME}`, 'aws-cn'],
    ['GovCloud', `https://sns.us-gov-west-1.amazonaws.com/${PEM_NAME}`, 'aws-us-gov'],
  ])('accepts the SNS endpoint of %s', (_case, url, partition) => {
    // Act
    const parsed = parseSigningCertUrl(url);

    // Assess
    expect(parsed.href).toBe(url);
    expect(parsed.partition).toBe(partition);
    expect(url).toContain(`sns.${parsed.region}.`);
  });

  it.each([
    ['another host', `https://sns.evil.com/${PEM_NAME}`],
    ['an SNS-looking host under another domain', `https://sns.us-east-1.amazonaws.com.evil.com/${PEM_NAME}`],
    ['a suffix match', `https://evilsns.us-east-1.amazonaws.com/${PEM_NAME}`],
    ['a sub-domain of the endpoint', `https://x.sns.us-east-1.amazonaws.com/${PEM_NAME}`],
    ['an S3 bucket on amazonaws.com', `https://sns-certs.s3.amazonaws.com/${PEM_NAME}`],
    ['the global name without region', `https://sns.amazonaws.com/${PEM_NAME}`],
    ['plain http', `http://sns.us-east-1.amazonaws.com/${PEM_NAME}`],
    ['userinfo that hides the real host', `https://sns.us-east-1.amazonaws.com@evil.com/${PEM_NAME}`],
    ['userinfo on the real host', `https://user:pw@sns.us-east-1.amazonaws.com/${PEM_NAME}`],
    ['an explicit port', `https://sns.us-east-1.amazonaws.com:8443/${PEM_NAME}`],
    ['the default port spelled out', `https://sns.us-east-1.amazonaws.com:443/${PEM_NAME}`],
    ['a path that is not .pem', 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.crt'],
    ['a .pem before a query', `https://sns.us-east-1.amazonaws.com/${PEM_NAME}?x=.pem`],
    ['a query after .pem', `https://sns.us-east-1.amazonaws.com/${PEM_NAME}?redirect=https://evil.com`],
    ['a fragment', `https://sns.us-east-1.amazonaws.com/${PEM_NAME}#x`],
    ['an upper-case host (not canonical)', `https://SNS.us-east-1.amazonaws.com/${PEM_NAME}`],
    ['a backslash (rewritten by URL parsers)', `https://sns.us-east-1.amazonaws.com\\@evil.com/${PEM_NAME}`],
    ['dot segments', `https://sns.us-east-1.amazonaws.com/a/../${PEM_NAME}`],
    ['percent-escapes', 'https://sns.us-east-1.amazonaws.com/%2e%2e/x.pem'],
    ['a China region on amazonaws.com', `https://sns.cn-north-1.amazonaws.com/${PEM_NAME}`],
    ['a commercial region on amazonaws.com.cn', `https://sns.us-east-1.amazonaws.com.cn/${PEM_NAME}`],
    ['a trailing dot on the host', `https://sns.us-east-1.amazonaws.com./${PEM_NAME}`],
    ['an IP address', `https://52.94.0.1/${PEM_NAME}`],
    ['not a URL', 'sns.us-east-1.amazonaws.com/x.pem'],
  ])('refuses %s', (_case, url) => {
    // Act
    const error = thrown(() => parseSigningCertUrl(url));

    // Assess
    expect(error).toBeInstanceOf(SnsVerificationError);
    expect(error).toMatchObject({ reason: 'cert_url' });
  });
});

describe('expectedCertificateNames', () => {
  it('accepts the name genuine SNS certificates carry (checked against a real one)', () => {
    // Prepare: the us-west-2 signing certificate (see test/fixtures/sns/README.md).
    const cert = new X509Certificate(readFileSync(new URL(`../../fixtures/sns/${PEM_NAME}`, import.meta.url)));

    // Act
    const matched = expectedCertificateNames('us-west-2').filter((n) => cert.checkHost(n) !== undefined);

    // Assess
    expect(matched).toEqual(['sns.amazonaws.com']);
  });

  it.each([
    ['us-east-1', 'sns.amazonaws.com'],
    ['af-south-1', 'sns-signing.af-south-1.amazonaws.com'],
    ['cn-north-1', 'sns-cn-north-1.amazonaws.com.cn'],
    ['cn-northwest-1', 'sns-cn-northwest-1.amazonaws.com.cn'],
    ['us-gov-east-1', 'sns-us-gov-west-1.amazonaws.com'],
  ])('for %s includes %s', (region, name) => {
    expect(expectedCertificateNames(region)).toContain(name);
  });

  it('never accepts a name outside Amazon SNS domains', () => {
    // Act
    const all = ['us-east-1', 'cn-north-1', 'us-gov-west-1', 'me-central-1'].flatMap((r) => expectedCertificateNames(r));

    // Assess
    for (const name of all) expect(name).toMatch(/^sns[.-][a-z0-9.-]*amazonaws\.com(\.cn)?$/);
    expect(expectedCertificateNames('not-a-region')).toEqual([]);
  });
});
