import { describe, expect, it } from 'vitest';
import { perInstanceSendRate, resolveConfig, SES_MAX_INBOUND_BYTES } from '../../lib/config.js';
import { SUPPRESSION_REASONS } from '../../src/config/runtime.js';
import { ConfigError } from '../../src/errors.js';

function problemsOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('resolveConfig SMS sender', () => {
  it('follows the same sender rules as the message contract and the SNS adapter', () => {
    // Toll-free and 10DLC origination numbers are valid senders though not mobile numbers.
    expect(resolveConfig({ sms: { senderId: 'Acme-Co', originationNumber: '+18005550100' } }).sms).toMatchObject({
      senderId: 'Acme-Co',
      originationNumber: '+18005550100',
    });
    // SNS refuses sender IDs under 3 characters: refused at synth, not at the first SMS.
    expect(problemsOf(() => resolveConfig({ sms: { senderId: 'AB' } }))).toEqual([expect.stringMatching(/^sms\.senderId: /)]);
  });
});

describe('resolveConfig defaults', () => {
  it('resolves an empty context into a complete configuration that synthesizes without an account', () => {
    // Act
    const config = resolveConfig(undefined);

    // Assess
    expect(config.stackName).toBe('Mailroom');
    expect(config.ses).toEqual({
      fromDomain: 'example.com',
      identities: ['example.com'],
      configurationSetName: 'Mailroom',
      templates: [],
      tlsPolicy: 'optional',
    });
    expect(config.send.visibilityTimeoutSeconds).toBe(6 * config.send.timeoutSeconds);
    expect(config.email).toEqual({
      provider: 'ses',
      fallback: [],
      routes: [],
      maxSendRate: 14,
      maxConcurrency: 2,
      batchSize: 10,
      allowedFrom: [],
    });
    expect(config.providers).toEqual({});
    expect(config.sms).toMatchObject({
      allowedCountries: [],
      maxPrice: {},
      destinationRateLimit: { nationalDigits: 6, maxMessages: 20, windowSeconds: 600 },
      spendAlarmUsd: 100,
    });
    expect(config.sms.deliveryStatus).toEqual({
      enabled: true,
      createLogGroups: true,
      setAccountAttributes: false,
      successSamplingRate: 100,
    });
    expect(config.tracking).toEqual({ suppressOn: [...SUPPRESSION_REASONS], allowedTopicArns: [], httpsEndpoint: false });
    expect(config.inbound).toMatchObject({
      enabled: true,
      recipients: ['example.com'],
      maxBytes: SES_MAX_INBOUND_BYTES,
      rawMailExpirationDays: 90,
      scanEnabled: true,
      tlsPolicy: 'require',
      activateRuleSet: false,
      ruleSetName: 'Mailroom-inbound',
    });
    expect(config.operations).toEqual({
      logRetentionDays: 30,
      tracing: true,
      removalPolicy: 'retain',
      deletionProtection: true,
      bundleAwsSdk: false,
      metricsNamespace: 'Mailroom',
    });
  });

  it('derives names and identities from the values they depend on', () => {
    // Act
    const config = resolveConfig({ stackName: 'MailroomStaging', ses: { fromDomain: 'mail.acme.io' } });

    // Assess
    expect(config.ses.identities).toEqual(['mail.acme.io']);
    expect(config.ses.configurationSetName).toBe('MailroomStaging');
    expect(config.inbound.ruleSetName).toBe('MailroomStaging-inbound');
    expect(config.inbound.recipients).toEqual(['mail.acme.io']);
  });

  it('reads a JSON string (cdk -c mailroom=...) and lets props override the context, deeply', () => {
    // Act
    const config = resolveConfig('{"email":{"maxSendRate":50,"maxConcurrency":5},"ses":{"fromDomain":"acme.io"}}', {
      email: { maxConcurrency: 10 },
    });

    // Assess
    expect(config.email.maxSendRate).toBe(50);
    expect(config.email.maxConcurrency).toBe(10);
    expect(config.ses.fromDomain).toBe('acme.io');
    expect(perInstanceSendRate(config.email)).toBe(5);
  });

  it('accepts a subdomain of a verified domain, or an address on the domain, as covering fromDomain', () => {
    // Act
    const sub = resolveConfig({ ses: { fromDomain: 'news.acme.io', identities: ['acme.io'] } });
    const address = resolveConfig({ ses: { fromDomain: 'acme.io', identities: ['billing@acme.io'] } });

    // Assess
    expect(sub.ses.identities).toEqual(['acme.io']);
    expect(address.ses.identities).toEqual(['billing@acme.io']);
  });
});

describe('resolveConfig problems', () => {
  it('checks the send guardrails: From patterns, country codes, MaxPrice default within the ceiling, receipt topics', () => {
    // Act
    const problems = problemsOf(() =>
      resolveConfig({
        email: { allowedFrom: ['noreply@acme.io', 'Ops@ACME.IO', 'no-at-sign'] },
        sms: { allowedCountries: ['GB', 'gb', 'XX', 'Germany'], destinationRateLimit: { nationalDigits: 0 } },
        inbound: { allowedTopicArns: ['arn:aws:sns:eu-west-1:123456789012:receipts', 'not-an-arn'] },
      }),
    );

    // Assess
    expect([...problems].sort()).toEqual([
      expect.stringMatching(/^email\.allowedFrom\.1: /),
      expect.stringMatching(/^email\.allowedFrom\.2: /),
      expect.stringMatching(/^inbound\.allowedTopicArns\.1: /),
      expect.stringMatching(/^sms\.allowedCountries\.1: /),
      expect.stringMatching(/^sms\.allowedCountries\.2: /),
      expect.stringMatching(/^sms\.allowedCountries\.3: /),
      expect.stringMatching(/^sms\.destinationRateLimit\.nationalDigits: /),
    ]);
    expect(problemsOf(() => resolveConfig({ sms: { maxPrice: { default: 0.6, ceiling: 0.5 } } }))).toEqual([
      'sms.maxPrice.default: 0.6 exceeds sms.maxPrice.ceiling (0.5)',
    ]);
  });

  it('throws one ConfigError listing every problem across sections', () => {
    // Prepare
    const bad = {
      stackName: '1-bad',
      ses: { fromDomain: 'Not A Domain', identities: [] },
      email: { maxConcurrency: 1, provider: 'Mail gun' },
      sms: { senderId: 'TOO-LONG-SENDER', originationNumber: '555-0100' },
      send: { backoffBaseSeconds: 1000, backoffMaxSeconds: 10 },
      tracking: { suppressOn: ['bounce'], allowedTopicArns: ['not-an-arn'] },
      inbound: { maxBytes: SES_MAX_INBOUND_BYTES + 1, activateRuleSet: true, enabled: false },
      alarms: { email: 'ops', topicArn: 'arn:aws:sns:eu-west-1:123456789012:ops' },
      operations: { logRetentionDays: 31 },
      typo: true,
    };

    // Act
    const problems = problemsOf(() => resolveConfig(bad));

    // Assess
    const expected = [
      /^typo: unknown configuration key/,
      /^stackName: /,
      /^ses\.fromDomain: /,
      /^ses\.identities: /,
      /^email\.provider: /,
      /^email\.maxConcurrency: /,
      /^sms\.senderId: /,
      /^sms\.originationNumber: /,
      /^tracking\.suppressOn\.0: /,
      /^tracking\.allowedTopicArns\.0: /,
      /^inbound\.maxBytes: /,
      /^alarms\.email: /,
      /^operations\.logRetentionDays: /,
      /^send\.backoffBaseSeconds: 1000 exceeds send\.backoffMaxSeconds \(10\)/,
    ];
    for (const pattern of expected)
      expect(
        problems.some((p) => pattern.test(p)),
        `${pattern} in\n${problems.join('\n')}`,
      ).toBe(true);
    expect(problems).toHaveLength(expected.length);
  });

  it('reports cross-field problems of an otherwise valid configuration together', () => {
    // Act
    const problems = problemsOf(() =>
      resolveConfig({
        ses: { fromDomain: 'acme.io', identities: ['other.org'] },
        send: { timeoutSeconds: 60, visibilityTimeoutSeconds: 120 },
        email: { maxSendRate: 1, maxConcurrency: 10 },
        inbound: { enabled: false, activateRuleSet: true },
        sms: { deliveryStatus: { enabled: false, setAccountAttributes: true } },
      }),
    );

    // Assess
    expect(problems).toEqual([
      'inbound.activateRuleSet: needs inbound.enabled',
      'sms.deliveryStatus.setAccountAttributes: needs sms.deliveryStatus.enabled',
      'ses.fromDomain: "acme.io" is not covered by any of ses.identities (other.org)',
      'send.visibilityTimeoutSeconds: 120 is below 6 x send.timeoutSeconds (360); SQS would redeliver messages still being sent',
      'email.batchSize: 10 messages at 0.10/s per instance take 100.0s, more than half of send.timeoutSeconds (60); lower batchSize or maxConcurrency, or raise the timeout',
    ]);
  });

  it('names the problem when the context value is not JSON or not an object', () => {
    // Act
    const notJson = problemsOf(() => resolveConfig('{nope'));
    const notObject = problemsOf(() => resolveConfig([1, 2]));

    // Assess
    expect(notJson).toHaveLength(1);
    expect(notJson[0]).toMatch(/^mailroom: context value is not JSON/);
    expect(notObject).toEqual(['mailroom: must be an object']);
  });

  it('rejects unknown keys inside a section (a typo must not silently fall back to a default)', () => {
    // Act
    const problems = problemsOf(() => resolveConfig({ inbound: { scanEnable: false } }));

    // Assess
    expect(problems).toEqual(['inbound: Unrecognized key: "scanEnable"']);
  });
});

describe('resolveConfig security guardrails (issue 8)', () => {
  it('defaults: reserved concurrency 5, no throttled front, a year of retention (quarantine 30 days), AWS-managed keys', () => {
    // Act
    const config = resolveConfig(undefined);

    // Assess
    expect(config.publicEndpoints).toEqual({
      reservedConcurrency: 5,
      throttledFront: { enabled: false, rateLimit: 10, burstLimit: 20 },
      invocationsAlarmThreshold: 1000,
    });
    expect(config.retention).toEqual({
      messagesDays: 365,
      eventsDays: 365,
      inboundDays: 365,
      attachmentsDays: 365,
      quarantineDays: 30,
      bodiesDays: 365,
    });
    expect(config.encryption).toEqual({});
    expect(config.send.attachmentBuckets).toEqual([]);
  });

  it('accepts null (reserve nothing, keep forever) and a key to import or create', () => {
    // Act
    const config = resolveConfig({
      publicEndpoints: { reservedConcurrency: null },
      retention: { messagesDays: null },
      encryption: { dataKey: { arn: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' } },
    });

    // Assess
    expect(config.publicEndpoints.reservedConcurrency).toBeNull();
    expect(config.retention.messagesDays).toBeNull();
    expect(config.encryption.dataKey).toEqual({ arn: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' });
    expect(resolveConfig({ encryption: { dataKey: { create: true } } }).encryption.dataKey).toEqual({ create: true });
  });

  it('refuses out-of-bounds limits, bad keys and whole-bucket attachment grants, all in one error', () => {
    // Act
    const problems = problemsOf(() =>
      resolveConfig({
        publicEndpoints: { reservedConcurrency: 0, throttledFront: { rateLimit: 20_000, burstLimit: 0 } },
        retention: { inboundDays: 0 },
        encryption: { dataKey: { arn: 'alias/aws/s3' } },
        send: { attachmentBuckets: [{ bucket: 'acme-attachments', prefixes: [] }, 'legacy-bucket'] },
      } as never),
    );

    // Assess
    for (const path of [
      'publicEndpoints.reservedConcurrency',
      'publicEndpoints.throttledFront.rateLimit',
      'publicEndpoints.throttledFront.burstLimit',
      'retention.inboundDays',
      'encryption.dataKey.arn',
      'send.attachmentBuckets.0.prefixes',
      'send.attachmentBuckets.1',
    ]) {
      expect(problems, path).toContainEqual(expect.stringMatching(new RegExp(`^${path.replace(/\./g, '\\.')}: `)));
    }
  });
});
