import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  parseSnsEnvelope,
  SnsCertificateUnavailableError,
  type SnsEnvelope,
  SnsEnvelopeError,
  SnsVerificationError,
  SnsVerifier,
} from '../../../src/tracking/sns/index.js';
import { confirmation, docStringToSign, type Fields, NOW, notification, TOPIC } from '../../support/sns/envelopes.js';
import { issueCertificate, type TestSigningCert } from '../../support/sns/pki.js';

let sns: TestSigningCert;
let originals: Fields[];

beforeAll(() => {
  sns = issueCertificate();
  originals = [
    notification(sns.privateKey),
    notification(sns.privateKey, { SignatureVersion: '2', Subject: undefined }),
    confirmation(sns.privateKey),
    confirmation(sns.privateKey, 'UnsubscribeConfirmation'),
  ];
});

// Serves the genuine certificate for ANY URL that passes the URL check, so that a mutated
// SigningCertURL cannot make the property pass or fail for network reasons.
const verifier = (): SnsVerifier => new SnsVerifier({ allowedTopicArns: [TOPIC], fetchCertificate: async () => sns.pem, now: () => NOW });

const FIELDS = [
  'Type',
  'MessageId',
  'TopicArn',
  'Subject',
  'Message',
  'Timestamp',
  'SignatureVersion',
  'Signature',
  'SigningCertURL',
  'UnsubscribeURL',
  'Token',
  'SubscribeURL',
];
const mutation = fc.record({
  field: fc.constantFrom(...FIELDS),
  value: fc.oneof(
    fc.constant(undefined),
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc.constantFrom(
      '',
      '1',
      '2',
      'Notification',
      'SubscriptionConfirmation',
      TOPIC,
      'https://sns.eu-west-1.amazonaws.com/x.pem',
      '2026-01-01T00:00:00.000Z',
    ),
    fc.integer(),
    fc.constant(null),
    fc.object(),
  ),
});

const refusedOnly = (error: unknown): void => {
  expect(error instanceof SnsEnvelopeError || error instanceof SnsVerificationError).toBe(true);
};

describe('SnsVerifier, property', () => {
  it('accepts a mutated envelope only when the signed string is unchanged; otherwise refuses, never crashes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: 3 }), fc.array(mutation, { minLength: 1, maxLength: 3 }), async (which, mutations) => {
        // Prepare
        const original = originals[which]!;
        const mutated: Record<string, unknown> = { ...original };
        for (const { field, value } of mutations) {
          if (value === undefined) delete mutated[field];
          else mutated[field] = value;
        }

        // Act
        let accepted: SnsEnvelope | undefined;
        try {
          const envelope = parseSnsEnvelope(mutated);
          await verifier().verify(envelope);
          accepted = envelope;
        } catch (error) {
          refusedOnly(error);
        }

        // Assess: whatever got through says exactly what SNS signed.
        if (accepted) expect(docStringToSign(accepted as unknown as Fields)).toBe(docStringToSign(original));
      }),
      { numRuns: 400 },
    );
  });

  it('refuses any value handed to verify() that is not an envelope, as malformed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.anything(), async (input) => {
        // Act
        const error = await verifier()
          .verify(input as SnsEnvelope)
          .then(
            () => undefined,
            (e: unknown) => e,
          );

        // Assess
        expect(error).toBeInstanceOf(SnsVerificationError);
        expect(error).not.toBeInstanceOf(SnsCertificateUnavailableError);
        expect((error as SnsVerificationError).reason).toBe('malformed');
      }),
      { numRuns: 500 },
    );
  });
});
