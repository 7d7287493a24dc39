import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  envelopeFromLambdaRecord,
  parseSnsEnvelope,
  type SnsEnvelope,
  SnsEnvelopeError,
  type SnsNotification,
} from '../../../src/tracking/sns/index.js';
import { lambdaRecord, TOPIC } from '../../support/sns/envelopes.js';

const fixture = (name: string): string => readFileSync(new URL(`../../fixtures/sns/${name}`, import.meta.url), 'utf8');

describe('parseSnsEnvelope', () => {
  it('parses a Notification body as SNS sends it, keeping every signed value verbatim', () => {
    // Prepare
    const body = fixture('notification-with-subject-v1.json');

    // Act
    const envelope = parseSnsEnvelope(body);

    // Assess
    expect(envelope).toMatchObject({
      Type: 'Notification',
      MessageId: '26858270-545e-5848-82a2-e05566af3dcf',
      TopicArn: 'arn:aws:sns:us-west-2:131990247566:dongie-standard-topic',
      Subject: 'My message subject',
      Timestamp: '2026-03-06T19:53:21.424Z',
      SignatureVersion: '1',
      SigningCertURL: 'https://sns.us-west-2.amazonaws.com/SimpleNotificationService-7506a1e35b36ef5a444dd1a8e7cc3ed8.pem',
    });
  });

  it('parses a SubscriptionConfirmation with its Token and SubscribeURL', () => {
    // Act
    const envelope = parseSnsEnvelope(JSON.parse(fixture('subscription-confirmation-v1.json')));

    // Assess
    expect(envelope.Type).toBe('SubscriptionConfirmation');
    if (envelope.Type !== 'SubscriptionConfirmation') return;
    expect(envelope.Token).toMatch(/^2336412f37fb/);
    expect(envelope.SubscribeURL).toContain('Action=ConfirmSubscription');
    expect(envelope.Message).toContain('\nTo confirm the subscription');
  });

  it('leaves Subject absent when the body has none', () => {
    // Act
    const envelope = parseSnsEnvelope(fixture('notification-no-subject-v1.json'));

    // Assess
    expect(envelope.Type).toBe('Notification');
    expect((envelope as SnsNotification).Subject).toBeUndefined();
  });

  it.each([
    ['not JSON', '{"Type":', /not JSON/],
    ['a JSON array', '[]', /JSON object/],
    ['an unknown Type', JSON.stringify({ Type: 'Bogus' }), /Type/],
    ['a missing Signature', JSON.stringify({ ...JSON.parse(fixture('notification-v2.json')), Signature: undefined }), /Signature/],
    [
      'a TopicArn that is not a topic',
      JSON.stringify({ ...JSON.parse(fixture('notification-v2.json')), TopicArn: 'arn:aws:sqs:us-west-2:131990247566:q' }),
      /TopicArn/,
    ],
    [
      'a region outside its partition',
      JSON.stringify({ ...JSON.parse(fixture('notification-v2.json')), TopicArn: 'arn:aws-cn:sns:us-west-2:131990247566:t' }),
      /TopicArn/,
    ],
    [
      'a non-ISO Timestamp',
      JSON.stringify({ ...JSON.parse(fixture('notification-v2.json')), Timestamp: 'Fri, 06 Mar 2026 20:00:26 GMT' }),
      /Timestamp/,
    ],
    [
      'a confirmation without Token',
      JSON.stringify({ ...JSON.parse(fixture('subscription-confirmation-v1.json')), Token: undefined }),
      /Token/,
    ],
  ])('refuses %s with SnsEnvelopeError naming the problem', (_case, body, problem) => {
    // Act
    const act = (): SnsEnvelope => parseSnsEnvelope(body);

    // Assess
    expect(act).toThrow(SnsEnvelopeError);
    expect(act).toThrow(problem);
  });
});

describe('envelopeFromLambdaRecord', () => {
  it('maps SigningCertUrl / UnsubscribeUrl and a null Subject to the HTTP envelope shape', () => {
    // Prepare
    const record = lambdaRecord({
      Type: 'Notification',
      MessageId: '95df01b4-ee98-5cb9-9903-4c221d41eb5e',
      TopicArn: TOPIC,
      Message: '{"notificationType":"Delivery"}',
      Timestamp: '2026-03-10T11:59:30.123Z',
      SignatureVersion: '1',
      Signature: 'c2lnbmF0dXJl',
      SigningCertURL: 'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-abc.pem',
      UnsubscribeURL: 'https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe',
    });
    expect(record.Sns).toHaveProperty('SigningCertUrl');
    expect(record.Sns.Subject).toBeNull();

    // Act
    const envelope = envelopeFromLambdaRecord(record);

    // Assess
    expect(envelope).toMatchObject({
      Type: 'Notification',
      SigningCertURL: 'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-abc.pem',
      UnsubscribeURL: 'https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe',
    });
    expect(envelope).not.toHaveProperty('SigningCertUrl');
    expect((envelope as SnsNotification).Subject).toBeUndefined();
  });

  it('refuses a record that is not from SNS', () => {
    // Prepare
    const record = { ...lambdaRecord({ Type: 'Notification' }), EventSource: 'aws:sqs' };

    // Act / Assess
    expect(() => envelopeFromLambdaRecord(record)).toThrow(SnsEnvelopeError);
  });
});

describe('parseSnsEnvelope, property', () => {
  const fieldNames = [
    'Type',
    'MessageId',
    'TopicArn',
    'Subject',
    'Message',
    'Timestamp',
    'SignatureVersion',
    'Signature',
    'SigningCertURL',
    'SigningCertUrl',
    'UnsubscribeURL',
    'Token',
    'SubscribeURL',
    'MessageAttributes',
  ];
  const value = fc.oneof(
    fc.string(),
    fc.constantFrom('Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation', TOPIC, '2026-03-10T11:59:30.123Z', '1', '2'),
    fc.integer(),
    fc.constant(null),
    fc.anything(),
  );
  const envelopeLike = fc.dictionary(fc.constantFrom(...fieldNames), value);

  it('never throws anything but SnsEnvelopeError, for any JSON value or envelope-like object', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), envelopeLike, fc.json()), (input) => {
        try {
          const envelope = parseSnsEnvelope(input);
          expect(['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation']).toContain(envelope.Type);
        } catch (error) {
          expect(error).toBeInstanceOf(SnsEnvelopeError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
