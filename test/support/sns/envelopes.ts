/**
 * Signed SNS envelopes for tests. The string to sign is written out here from the AWS
 * documentation, independently of src/tracking/sns/string-to-sign.ts, so a mistake there is
 * caught rather than mirrored:
 * https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message-verify-message-signature.html
 */
import { type KeyObject, sign } from 'node:crypto';
import type { SNSEventRecord } from 'aws-lambda';

export const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:mailroom-ses-events';
export const OTHER_TOPIC = 'arn:aws:sns:eu-west-1:444455556666:someone-elses-topic';
export const CERT_URL = 'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0123456789abcdef0123456789abcdef.pem';
/**
 * Test clock. Signing times are two minutes after this module loads, so they fall inside the
 * validity of certificates issued by the tests (openssl starts validity at issuance); the
 * verifier's `now` is 30 s after signing.
 */
export const SIGNED_AT = new Date(Math.ceil(Date.now() / 1000) * 1000 + 120_000).toISOString();
export const NOW = new Date(Date.parse(SIGNED_AT) + 30_000);
export const at = (isoOrMs: string | number, seconds: number): string =>
  new Date((typeof isoOrMs === 'string' ? Date.parse(isoOrMs) : isoOrMs) + seconds * 1000).toISOString();

export type Fields = Record<string, string | undefined>;

export function docStringToSign(f: Fields): string {
  const lines: string[] = [];
  const add = (k: string): void => {
    if (f[k] !== undefined) lines.push(k, f[k]);
  };
  if (f['Type'] === 'Notification') {
    add('Message');
    add('MessageId');
    add('Subject');
    add('Timestamp');
    add('TopicArn');
    add('Type');
  } else {
    for (const k of ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type']) add(k);
  }
  return `${lines.join('\n')}\n`;
}

export function signFields(f: Fields, key: KeyObject): string {
  const algorithm = f['SignatureVersion'] === '2' ? 'sha256' : 'sha1';
  return sign(algorithm, Buffer.from(docStringToSign(f), 'utf8'), key).toString('base64');
}

/** A signed HTTP-format Notification; `overrides` apply before signing, `after` after. */
export function notification(key: KeyObject, overrides: Fields = {}, after: Fields = {}): Fields {
  const f: Fields = {
    Type: 'Notification',
    MessageId: 'd4f3b9a0-6f2b-5a8e-9e1c-2b7a1f0c9d11',
    TopicArn: TOPIC,
    Subject: 'Amazon SES Email Event Notification',
    Message: '{"eventType":"Delivery","mail":{"messageId":"0100018e-aaaa"},"delivery":{"recipients":["a@example.com"]}}\nline two',
    Timestamp: SIGNED_AT,
    SignatureVersion: '1',
    SigningCertURL: CERT_URL,
    UnsubscribeURL: `https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${TOPIC}:5b0d2f0e`,
    ...overrides,
  };
  return dropUndefined({ ...f, Signature: signFields(f, key), ...after });
}

export function confirmation(
  key: KeyObject,
  type: 'SubscriptionConfirmation' | 'UnsubscribeConfirmation' = 'SubscriptionConfirmation',
  overrides: Fields = {},
  after: Fields = {},
): Fields {
  const topic = overrides['TopicArn'] ?? TOPIC;
  const region = topic.split(':')[3] ?? 'eu-west-1';
  const token = overrides['Token'] ?? '2336412f37fb687f5d51e6e2425dacbbtoken0001';
  const f: Fields = {
    Type: type,
    MessageId: '165545c9-2a5c-472c-8df2-7ff2be2b3b1b',
    Token: token,
    TopicArn: topic,
    Message: `You have chosen to subscribe to the topic ${topic}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`,
    SubscribeURL: `https://sns.${region}.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${topic}&Token=${token}`,
    Timestamp: SIGNED_AT,
    SignatureVersion: '2',
    SigningCertURL: CERT_URL,
    ...overrides,
  };
  return dropUndefined({ ...f, Signature: signFields(f, key), ...after });
}

/** The Lambda event record SNS would deliver for the same notification. */
export function lambdaRecord(f: Fields): SNSEventRecord {
  const { SigningCertURL, UnsubscribeURL, Subject, ...rest } = f;
  return {
    EventSource: 'aws:sns',
    EventVersion: '1.0',
    EventSubscriptionArn: `${f['TopicArn']}:2f5e1c3a-0d4b-4a6e-9c8f-1b2a3c4d5e6f`,
    Sns: { ...rest, Subject: Subject ?? null, SigningCertUrl: SigningCertURL, UnsubscribeUrl: UnsubscribeURL, MessageAttributes: {} },
  } as unknown as SNSEventRecord;
}

function dropUndefined(f: Fields): Fields {
  return Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined));
}
