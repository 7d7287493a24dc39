import { Metrics } from '@aws-lambda-powertools/metrics';
import { ConfirmSubscriptionCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  acceptSnsHttpBody,
  acceptSnsLambdaRecord,
  SnsCertificateUnavailableError,
  SnsConfirmationError,
  type SnsIngestDeps,
  SnsVerifier,
  type SnsVerifierOptions,
  snsHttpErrorResponse,
  snsHttpResponse,
} from '../../../src/tracking/sns/index.js';
import { certificateServer, recordingLogger } from '../../support/sns/deps.js';
import {
  at,
  CERT_URL,
  confirmation,
  type Fields,
  lambdaRecord,
  NOW,
  notification,
  OTHER_TOPIC,
  SIGNED_AT,
  TOPIC,
} from '../../support/sns/envelopes.js';
import { issueCertificate, type TestSigningCert } from '../../support/sns/pki.js';
import { refusal } from './support/verifier.js';

// ConfirmSubscription is an AWS API call: no local server answers it, so the SNS client is mocked.
const snsMock = mockClient(SNSClient);
let sns: TestSigningCert;

beforeAll(() => {
  sns = issueCertificate();
});
beforeEach(() => snsMock.reset());
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

function setup(opts: Partial<SnsVerifierOptions> = {}) {
  const logger = recordingLogger();
  const onRefused = vi.fn();
  const verifier = new SnsVerifier({
    allowedTopicArns: [TOPIC],
    fetchCertificate: certificateServer({ [CERT_URL]: sns.pem }),
    now: () => NOW,
    ...opts,
  });
  const deps: SnsIngestDeps = { verifier, logger, onRefused, snsClientForRegion: (region) => new SNSClient({ region }) };
  return { deps, logger, onRefused };
}

const headersFor = (f: Fields): Record<string, string> => ({
  'content-type': 'text/plain; charset=UTF-8',
  'x-amz-sns-message-type': f['Type']!,
  'x-amz-sns-message-id': f['MessageId']!,
  'x-amz-sns-topic-arn': f['TopicArn']!,
});

describe('acceptSnsHttpBody', () => {
  it('returns a verified notification for the caller to process', async () => {
    // Prepare
    const { deps, onRefused } = setup();
    const fields = notification(sns.privateKey);

    // Act
    const outcome = await acceptSnsHttpBody(JSON.stringify(fields), headersFor(fields), deps);

    // Assess
    expect(outcome).toMatchObject({ kind: 'notification', envelope: { MessageId: fields['MessageId'], Message: fields['Message'] } });
    expect(onRefused).not.toHaveBeenCalled();
    expect(snsHttpResponse(outcome)).toMatchObject({ statusCode: 200 });
  });

  it('confirms an allowed subscription and reports it as a control outcome', async () => {
    // Prepare
    const { deps } = setup();
    snsMock.on(ConfirmSubscriptionCommand).resolves({ SubscriptionArn: `${TOPIC}:1` });
    const fields = confirmation(sns.privateKey);

    // Act
    const outcome = await acceptSnsHttpBody(JSON.stringify(fields), headersFor(fields), deps);

    // Assess
    expect(outcome).toMatchObject({ kind: 'control', result: 'confirmed' });
    expect(JSON.parse(String(snsHttpResponse(outcome).body))).toEqual({ status: 'confirmed' });
  });

  it.each<[string, () => [string, Record<string, string>], string, number]>([
    ['a body that is not JSON', () => ['Type=Notification', {}], 'malformed', 400],
    [
      'a header that contradicts the body',
      () => {
        const f = notification(sns.privateKey);
        return [JSON.stringify(f), { ...headersFor(f), 'X-Amz-Sns-Topic-Arn': OTHER_TOPIC }];
      },
      'malformed',
      400,
    ],
    [
      'a tampered notification',
      () => {
        const f = { ...notification(sns.privateKey), Message: 'tampered' };
        return [JSON.stringify(f), headersFor(f)];
      },
      'bad_signature',
      403,
    ],
    [
      'a notification from an unknown topic',
      () => {
        const f = notification(sns.privateKey, { TopicArn: OTHER_TOPIC });
        return [JSON.stringify(f), headersFor(f)];
      },
      'topic_not_allowed',
      403,
    ],
    [
      'a confirmation from an unknown topic',
      () => {
        const f = confirmation(sns.privateKey, 'SubscriptionConfirmation', { TopicArn: OTHER_TOPIC });
        return [JSON.stringify(f), headersFor(f)];
      },
      'topic_not_allowed',
      403,
    ],
  ])('throws and counts once: %s', async (_case, request, reason, status) => {
    // Prepare
    const { deps, onRefused, logger } = setup();
    const [body, headers] = request();

    // Act
    const error = await refusal(acceptSnsHttpBody(body, headers, deps));

    // Assess
    expect(error.reason).toBe(reason);
    expect(onRefused).toHaveBeenCalledTimes(1);
    expect(onRefused.mock.calls[0]?.[0]).toBe(reason);
    expect(logger.entries.filter((e) => e.message === 'SNS message refused')).toHaveLength(1);
    expect(snsHttpErrorResponse(error)).toMatchObject({ statusCode: status });
    expect(JSON.parse(String(snsHttpErrorResponse(error)?.body))).toEqual({ status: 'refused', reason });
    expect(snsMock.commandCalls(ConfirmSubscriptionCommand)).toHaveLength(0);
  });

  it('emits the SnsRefused metric with the reason dimension through Powertools Metrics', async () => {
    // Prepare: POWERTOOLS_DEV sends EMF to the global console, where the test can read it
    // (dev mode also disables metrics unless POWERTOOLS_METRICS_DISABLED says otherwise).
    vi.stubEnv('POWERTOOLS_DEV', 'true');
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const { deps } = setup();
    const metrics = new Metrics({ namespace: 'Mailroom', serviceName: 'tracking' });
    const fields = notification(sns.privateKey, { TopicArn: OTHER_TOPIC });

    // Act
    await acceptSnsHttpBody(JSON.stringify(fields), {}, { ...deps, metrics }).catch(() => undefined);

    // Assess
    const emf = log.mock.calls.map(([line]) => JSON.parse(String(line)) as Record<string, unknown>).find((o) => 'SnsRefused' in o);
    expect(emf).toMatchObject({
      SnsRefused: 1,
      reason: 'topic_not_allowed',
      _aws: {
        CloudWatchMetrics: [
          { Namespace: 'Mailroom', Dimensions: [expect.arrayContaining(['reason'])], Metrics: [{ Name: 'SnsRefused', Unit: 'Count' }] },
        ],
      },
    });
  });

  it('replays an old saved body when the replay verifier lifts the age limit', async () => {
    // Prepare: saved 30 days ago; the test certificate was valid when it was signed.
    const fields = notification(sns.privateKey);
    const later = () => new Date(Date.parse(SIGNED_AT) + 30 * 24 * 3600 * 1000);
    const live = setup({ now: later });
    const replay = setup({ now: later, maxAgeSeconds: Infinity });

    // Act
    const liveError = await refusal(acceptSnsHttpBody(JSON.stringify(fields), undefined, live.deps));
    const replayed = await acceptSnsHttpBody(JSON.stringify(fields), undefined, replay.deps);

    // Assess
    expect(liveError.reason).toBe('expired');
    expect(replayed.kind).toBe('notification');
  });
});

describe('acceptSnsLambdaRecord', () => {
  it('verifies a Lambda record (SigningCertUrl spelling, Subject null) like an HTTP body', async () => {
    // Prepare
    const { deps } = setup();
    const record = lambdaRecord(notification(sns.privateKey, { Subject: undefined }));

    // Act
    const envelope = await acceptSnsLambdaRecord(record, deps);

    // Assess
    expect(envelope).toMatchObject({ Type: 'Notification', SigningCertURL: CERT_URL, TopicArn: TOPIC });
  });

  it('accepts a record SNS retried for days, which an HTTPS delivery could not be', async () => {
    // Prepare: signed 3 days before "now".
    const { deps } = setup({ now: () => new Date(Date.parse(SIGNED_AT) + 3 * 24 * 3600 * 1000) });
    const fields = notification(sns.privateKey);

    // Act
    const viaLambda = await acceptSnsLambdaRecord(lambdaRecord(fields), deps);
    const viaHttps = await refusal(acceptSnsHttpBody(JSON.stringify(fields), undefined, deps));

    // Assess
    expect(viaLambda.MessageId).toBe(fields['MessageId']);
    expect(viaHttps.reason).toBe('expired');
  });

  it.each<[string, () => Parameters<typeof acceptSnsLambdaRecord>[0], string]>([
    ['from an unknown topic', () => lambdaRecord(notification(sns.privateKey, { TopicArn: OTHER_TOPIC })), 'topic_not_allowed'],
    ['tampered', () => lambdaRecord({ ...notification(sns.privateKey), Message: 'tampered' }), 'bad_signature'],
    [
      'too old even for Lambda retries',
      () => lambdaRecord(notification(sns.privateKey, { Timestamp: at(NOW.getTime(), -25 * 24 * 3600) })),
      'expired',
    ],
    ['not from SNS', () => ({ ...lambdaRecord(notification(sns.privateKey)), EventSource: 'aws:s3' }), 'malformed'],
  ])('refuses a record %s, counted once', async (_case, record, reason) => {
    // Prepare
    const { deps, onRefused } = setup();

    // Act
    const error = await refusal(acceptSnsLambdaRecord(record(), deps));

    // Assess
    expect(error.reason).toBe(reason);
    expect(onRefused).toHaveBeenCalledTimes(1);
  });
});

describe('snsHttpErrorResponse', () => {
  it('answers 503 to transient failures so SNS retries, and leaves foreign errors to the handler', () => {
    // Act
    const cert = snsHttpErrorResponse(new SnsCertificateUnavailableError(CERT_URL, 'timeout'));
    const confirm = snsHttpErrorResponse(new SnsConfirmationError(TOPIC, 'InternalError'));
    const other = snsHttpErrorResponse(new TypeError('bug'));

    // Assess
    expect(cert).toMatchObject({ statusCode: 503 });
    expect(confirm).toMatchObject({ statusCode: 503 });
    expect(other).toBeUndefined();
  });
});
