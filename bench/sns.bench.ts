/**
 * SNS envelope verification per event with a warm certificate cache: what every tracking and
 * inbound event costs before its payload is even looked at. Uses messages SNS itself signed
 * (2048-bit RSA, SignatureVersion 1 = SHA1withRSA, 2 = SHA256withRSA) and their certificate,
 * from the unit-test fixtures; the certificate is served from memory, so no network.
 */
import { verify as cryptoVerify, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Logger } from '@aws-lambda-powertools/logger';
import { SNSClient } from '@aws-sdk/client-sns';
import { acceptSnsHttpBody, parseSnsEnvelope, SnsVerificationError, SnsVerifier, stringToSign } from '../src/tracking/sns/index.js';
import { type Benchmark, type BenchResult, measure, measureSync } from './harness.js';

const dir = new URL('../test/fixtures/sns/', import.meta.url);
const pem = readFileSync(new URL('SimpleNotificationService-7506a1e35b36ef5a444dd1a8e7cc3ed8.pem', dir), 'utf8');
const bodyV1 = readFileSync(new URL('notification-with-subject-v1.json', dir), 'utf8');
const bodyV2 = readFileSync(new URL('notification-v2.json', dir), 'utf8');

function warmVerifier(): SnsVerifier {
  const envelope = parseSnsEnvelope(bodyV2);
  return new SnsVerifier({
    allowedTopicArns: [envelope.TopicArn],
    fetchCertificate: async () => pem,
    // The fixtures are from March 2026; pin "now" near them so the age check passes.
    now: () => new Date(Date.parse(envelope.Timestamp) + 60_000),
  });
}

export const benchmarks: Benchmark[] = [
  {
    name: 'SNS signature verification (warm certificate cache, one core)',
    async run(): Promise<BenchResult[]> {
      const verifier = warmVerifier();
      const v1 = parseSnsEnvelope(bodyV1);
      const v2 = parseSnsEnvelope(bodyV2);
      await verifier.verify(v1); // warms the certificate cache
      const foreign = { ...v2, TopicArn: 'arn:aws:sns:us-west-2:111122223333:not-allowed' };
      const deps = {
        verifier,
        logger: new Logger({ logLevel: 'SILENT' }),
        snsClientForRegion: (region: string) => new SNSClient({ region }),
      };
      // Reference: the RSA check alone, on the same data, so the figure above it shows our overhead.
      const key = new X509Certificate(pem).publicKey;
      const data = Buffer.from(stringToSign(v2), 'utf8');
      const signature = Buffer.from(v2.Signature, 'base64');
      const results = [
        measureSync('reference: node:crypto verify alone (SHA256withRSA)', () => cryptoVerify('sha256', data, key, signature), {
          opsPerRound: 500,
        }),
        await measure('verify SignatureVersion 1 (SHA1withRSA)', () => verifier.verify(v1), { opsPerRound: 500 }),
        await measure('verify SignatureVersion 2 (SHA256withRSA)', () => verifier.verify(v2), { opsPerRound: 500 }),
        await measure('acceptSnsHttpBody v2 (JSON + zod + verify)', () => acceptSnsHttpBody(bodyV2, undefined, deps), { opsPerRound: 500 }),
        await measure(
          'refusal of an unknown topic (no crypto, no fetch)',
          () =>
            verifier.verify(foreign).catch((e: unknown) => {
              if (!(e instanceof SnsVerificationError)) throw e;
            }),
          { opsPerRound: 2000 },
        ),
      ];
      return results;
    },
  },
];
