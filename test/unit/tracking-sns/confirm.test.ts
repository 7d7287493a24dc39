import {
  AuthorizationErrorException,
  ConfirmSubscriptionCommand,
  InternalErrorException,
  InvalidParameterException,
  SNSClient,
  ThrottledException,
} from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  handleSubscriptionControl,
  parseSnsEnvelope,
  SnsConfirmationError,
  type SnsControlEnvelope,
  SnsVerifier,
  type SnsVerifierOptions,
  type SubscriptionControlDeps,
} from '../../../src/tracking/sns/index.js';
import { certificateServer, recordingLogger } from '../../support/sns/deps.js';
import { CERT_URL, confirmation, type Fields, NOW, OTHER_TOPIC, TOPIC } from '../../support/sns/envelopes.js';
import { issueCertificate, type TestSigningCert } from '../../support/sns/pki.js';

// ConfirmSubscription is an AWS API call: no local server answers it, so the SNS client is mocked.
const snsMock = mockClient(SNSClient);
let sns: TestSigningCert;
let impostor: TestSigningCert;

beforeAll(() => {
  sns = issueCertificate();
  impostor = issueCertificate();
});
beforeEach(() => {
  snsMock.reset();
  // SubscribeURL must never be fetched; any network access fails the test.
  vi.stubGlobal(
    'fetch',
    vi.fn(() => Promise.reject(new Error('no network in unit tests'))),
  );
});
afterEach(() => {
  vi.unstubAllGlobals();
});

function setup(opts: Partial<SnsVerifierOptions> = {}, pems: Record<string, string> = { [CERT_URL]: sns.pem }) {
  const logger = recordingLogger();
  const onRefused = vi.fn();
  const fetchCertificate = certificateServer(pems);
  const snsClientForRegion = vi.fn((region: string) => new SNSClient({ region }));
  const verifier = new SnsVerifier({ allowedTopicArns: [TOPIC], fetchCertificate, now: () => NOW, ...opts });
  const deps: SubscriptionControlDeps = { verifier, snsClientForRegion, logger, onRefused };
  return { deps, logger, onRefused, fetchCertificate, snsClientForRegion };
}

const control = (f: Fields): SnsControlEnvelope => parseSnsEnvelope(f) as SnsControlEnvelope;

async function regionsCalled(): Promise<string[]> {
  return Promise.all(snsMock.commandCalls(ConfirmSubscriptionCommand).map((c) => (c.thisValue as SNSClient).config.region()));
}

describe('handleSubscriptionControl: confirmation from an allowed topic', () => {
  it('confirms with ConfirmSubscription in the topic region, AuthenticateOnUnsubscribe, never fetching SubscribeURL', async () => {
    // Prepare
    const { deps, logger, fetchCertificate, snsClientForRegion } = setup();
    snsMock.on(ConfirmSubscriptionCommand).resolves({ SubscriptionArn: `${TOPIC}:0d6c1e3a` });
    const envelope = control(confirmation(sns.privateKey));

    // Act
    const result = await handleSubscriptionControl(envelope, deps);

    // Assess
    expect(result).toBe('confirmed');
    expect(snsMock.commandCalls(ConfirmSubscriptionCommand).map((c) => c.args[0].input)).toEqual([
      { TopicArn: TOPIC, Token: '2336412f37fb687f5d51e6e2425dacbbtoken0001', AuthenticateOnUnsubscribe: 'true' },
    ]);
    expect(snsClientForRegion).toHaveBeenCalledWith('eu-west-1');
    expect(await regionsCalled()).toEqual(['eu-west-1']);
    expect(fetchCertificate.mock.calls).toEqual([[CERT_URL]]);
    expect(globalThis.fetch).not.toHaveBeenCalled();
    expect(logger.entries).toContainEqual(
      expect.objectContaining({ level: 'info', attributes: expect.objectContaining({ subscriptionArn: `${TOPIC}:0d6c1e3a` }) }),
    );
  });

  it.each([
    [
      'China',
      'arn:aws-cn:sns:cn-northwest-1:111122223333:mailroom',
      'https://sns.cn-northwest-1.amazonaws.com.cn/SimpleNotificationService-cn.pem',
      'sns-cn-northwest-1.amazonaws.com.cn',
      'cn-northwest-1',
    ],
    [
      'GovCloud (US-East)',
      'arn:aws-us-gov:sns:us-gov-east-1:111122223333:mailroom',
      'https://sns.us-gov-east-1.amazonaws.com/SimpleNotificationService-gov.pem',
      'sns-us-gov-west-1.amazonaws.com',
      'us-gov-east-1',
    ],
  ])('confirms a %s topic in its own region and partition', async (_case, topic, certUrl, certName, region) => {
    // Prepare
    const cert = issueCertificate({ cn: certName, dnsNames: [certName] });
    const { deps } = setup({ allowedTopicArns: [topic] }, { [certUrl]: cert.pem });
    snsMock.on(ConfirmSubscriptionCommand).resolves({ SubscriptionArn: `${topic}:1` });

    // Act
    const result = await handleSubscriptionControl(
      control(confirmation(cert.privateKey, 'SubscriptionConfirmation', { TopicArn: topic, SigningCertURL: certUrl })),
      deps,
    );

    // Assess
    expect(result).toBe('confirmed');
    expect(await regionsCalled()).toEqual([region]);
  });

  it('confirms a re-delivered confirmation again (the API is idempotent while the token is valid)', async () => {
    // Prepare
    const { deps } = setup();
    snsMock.on(ConfirmSubscriptionCommand).resolves({ SubscriptionArn: `${TOPIC}:0d6c1e3a` });
    const envelope = control(confirmation(sns.privateKey));

    // Act
    const results = [await handleSubscriptionControl(envelope, deps), await handleSubscriptionControl(envelope, deps)];

    // Assess
    expect(results).toEqual(['confirmed', 'confirmed']);
    expect(snsMock.commandCalls(ConfirmSubscriptionCommand)).toHaveLength(2);
  });

  it('logs a replayed confirmation whose token has expired, with the token, and does not throw', async () => {
    // Prepare
    const { deps, logger } = setup();
    snsMock
      .on(ConfirmSubscriptionCommand)
      .resolvesOnce({ SubscriptionArn: `${TOPIC}:0d6c1e3a` })
      .rejects(new InvalidParameterException({ message: 'Invalid token', $metadata: { httpStatusCode: 400 } }));
    const envelope = control(confirmation(sns.privateKey));

    // Act
    const first = await handleSubscriptionControl(envelope, deps);
    const replayed = await handleSubscriptionControl(envelope, deps);

    // Assess
    expect([first, replayed]).toEqual(['confirmed', 'logged']);
    const failure = logger.entries.find((e) => e.level === 'error');
    expect(failure?.attributes).toMatchObject({
      topicArn: TOPIC,
      token: envelope.Token,
      error: expect.stringContaining('InvalidParameter'),
    });
  });

  it('logs (does not retry) a confirmation the role is not authorized to make', async () => {
    // Prepare
    const { deps, logger } = setup();
    snsMock
      .on(ConfirmSubscriptionCommand)
      .rejects(new AuthorizationErrorException({ message: 'not authorized', $metadata: { httpStatusCode: 403 } }));

    // Act
    const result = await handleSubscriptionControl(control(confirmation(sns.privateKey)), deps);

    // Assess
    expect(result).toBe('logged');
    expect(logger.entries.find((e) => e.level === 'error')?.attributes['confirmCommand']).toContain('--authenticate-on-unsubscribe true');
  });

  it.each([
    ['an SNS internal error', () => new InternalErrorException({ message: 'internal', $metadata: { httpStatusCode: 500 } })],
    ['throttling', () => new ThrottledException({ message: 'slow down', $metadata: { httpStatusCode: 400 } })],
    ['a network failure', () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
  ])('throws a retryable SnsConfirmationError on %s', async (_case, error) => {
    // Prepare
    const { deps } = setup();
    snsMock.on(ConfirmSubscriptionCommand).rejects(error());

    // Act
    const outcome = await handleSubscriptionControl(control(confirmation(sns.privateKey)), deps).catch((e: unknown) => e);

    // Assess
    expect(outcome).toBeInstanceOf(SnsConfirmationError);
    expect(outcome).toMatchObject({ retryable: true, topicArn: TOPIC });
  });
});

describe('handleSubscriptionControl: refusals and unsubscribes', () => {
  it('refuses a confirmation from a topic not on the allowlist with no network call and tells the operator what to do', async () => {
    // Prepare: the certificate fetcher is injected; a refusal must not reach it.
    const { deps, logger, onRefused, fetchCertificate } = setup();
    const envelope = control(confirmation(sns.privateKey, 'SubscriptionConfirmation', { TopicArn: OTHER_TOPIC }));

    // Act
    const result = await handleSubscriptionControl(envelope, deps);

    // Assess
    expect(result).toBe('refused');
    expect(fetchCertificate).not.toHaveBeenCalled();
    expect(snsMock.commandCalls(ConfirmSubscriptionCommand)).toHaveLength(0);
    expect(onRefused).toHaveBeenCalledTimes(1);
    expect(onRefused).toHaveBeenCalledWith('topic_not_allowed', envelope, expect.objectContaining({ signatureVerified: false }));
    const hint = logger.entries.find((e) => e.level === 'warn' && /not confirmed/.test(e.message));
    expect(hint?.attributes).toMatchObject({ topicArn: OTHER_TOPIC, messageId: envelope.MessageId });
    // Unverified: its token and URL are whatever the sender wrote, and are not logged.
    expect(JSON.stringify(logger.entries)).not.toContain(envelope.Token);
  });

  it('refuses a forged confirmation from an unknown topic the same way, without logging its token', async () => {
    // Prepare
    const { deps, logger, onRefused } = setup();
    const envelope = control(confirmation(impostor.privateKey, 'SubscriptionConfirmation', { TopicArn: OTHER_TOPIC }));

    // Act
    const result = await handleSubscriptionControl(envelope, deps);

    // Assess
    expect(result).toBe('refused');
    expect(onRefused).toHaveBeenCalledWith('topic_not_allowed', envelope, expect.anything());
    expect(JSON.stringify(logger.entries)).not.toContain(envelope.Token);
    expect(snsMock.commandCalls(ConfirmSubscriptionCommand)).toHaveLength(0);
  });

  it('refuses a forged confirmation for an allowed topic without calling SNS', async () => {
    // Prepare
    const { deps, onRefused } = setup();

    // Act
    const result = await handleSubscriptionControl(control(confirmation(impostor.privateKey)), deps);

    // Assess
    expect(result).toBe('refused');
    expect(onRefused).toHaveBeenCalledWith('bad_signature', expect.anything(), expect.anything());
    expect(snsMock.commandCalls(ConfirmSubscriptionCommand)).toHaveLength(0);
  });

  it('logs a genuine UnsubscribeConfirmation and calls nothing', async () => {
    // Prepare
    const { deps, logger } = setup();
    const envelope = control(confirmation(sns.privateKey, 'UnsubscribeConfirmation'));

    // Act
    const result = await handleSubscriptionControl(envelope, deps);

    // Assess
    expect(result).toBe('logged');
    expect(snsMock.commandCalls(ConfirmSubscriptionCommand)).toHaveLength(0);
    expect(logger.entries).toContainEqual(
      expect.objectContaining({ level: 'info', attributes: expect.objectContaining({ topicArn: TOPIC }) }),
    );
  });

  it('with skipSignatureCheck confirms what the operator replays, from any topic, and says so', async () => {
    // Prepare
    const { deps, logger, fetchCertificate } = setup({ skipSignatureCheck: true });
    snsMock.on(ConfirmSubscriptionCommand).resolves({ SubscriptionArn: `${OTHER_TOPIC}:9` });

    // Act
    const result = await handleSubscriptionControl(
      control(confirmation(impostor.privateKey, 'SubscriptionConfirmation', { TopicArn: OTHER_TOPIC })),
      deps,
    );

    // Assess
    expect(result).toBe('confirmed');
    expect(fetchCertificate).not.toHaveBeenCalled();
    expect(logger.entries.some((e) => e.level === 'warn' && /without signature/.test(e.message))).toBe(true);
  });
});
