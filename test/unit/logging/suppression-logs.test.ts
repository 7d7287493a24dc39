/**
 * No addresses in logs (issue 8, item 7), end to end through the real Powertools Logger the
 * Lambdas use (src/logging/logger.ts): a hard bounce that suppresses an address is processed by
 * the tracking handler, and every line it prints is captured from stdout.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { SNSEvent } from 'aws-lambda';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTrackingHandler } from '../../../src/handlers/tracking.js';
import { createLogger } from '../../../src/logging/logger.js';
import type { IngestDeps, SuppressionEntry } from '../../../src/tracking/deps.js';
import { SnsVerifier } from '../../../src/tracking/sns/index.js';
import { CERT_URL, lambdaRecord, NOW, notification, TOPIC } from '../../support/sns/envelopes.js';
import { issueCertificate, type TestSigningCert } from '../../support/sns/pki.js';
import { fixture } from '../../support/tracking-fixtures.js';

let cert: TestSigningCert;
beforeAll(() => {
  cert = issueCertificate();
});
afterEach(() => vi.restoreAllMocks());

/** Everything written to stdout and stderr while `fn` runs. */
async function captured(fn: () => Promise<unknown>): Promise<string> {
  const chunks: string[] = [];
  const keep = (chunk: unknown) => (chunks.push(String(chunk)), true);
  vi.spyOn(process.stdout, 'write').mockImplementation(keep);
  vi.spyOn(process.stderr, 'write').mockImplementation(keep);
  await fn();
  vi.restoreAllMocks();
  return chunks.join('');
}

describe('tracking logs of a suppression', () => {
  it('name the suppression and its reason, and contain no address', async () => {
    // Prepare: a permanent bounce; the stores are in memory, the logger is the Lambdas' own.
    const bounce = fixture('ses', 'event-bounce-permanent-general');
    const address = 'recipient@example.com';
    expect(JSON.stringify(bounce)).toContain(address);
    const suppressed: SuppressionEntry[] = [];
    const ingest: IngestDeps = {
      events: { has: async () => false, put: async () => 'stored' },
      messages: { get: async () => undefined, getByProviderMessageId: async () => undefined },
      progress: { advance: async () => 'skipped' },
      suppressions: { add: async (entry) => void suppressed.push(entry) },
      suppressOn: ['hardBounce', 'complaint', 'unsubscribe'],
    };
    const logger = createLogger('mailroom-tracking');
    const metrics = new Metrics({ namespace: 'Mailroom', serviceName: 'mailroom-tracking' });
    const verifier = new SnsVerifier({
      allowedTopicArns: [TOPIC],
      fetchCertificate: async (url) => (url === CERT_URL ? cert.pem : Promise.reject(new Error(url))),
      now: () => NOW,
    });
    const handler = createTrackingHandler({
      sns: { verifier, logger, metrics, snsClientForRegion: vi.fn() as never },
      ingest,
      logger,
      metrics,
    });
    const event: SNSEvent = { Records: [lambdaRecord(notification(cert.privateKey, { Message: JSON.stringify(bounce) }))] };

    // Act
    const output = await captured(() => handler(event));

    // Assess
    expect(suppressed.map((s) => s.address)).toEqual([address]);
    const lines = output.split('\n').filter((l) => l.startsWith('{'));
    const line = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l['message'] === 'address suppressed');
    expect(line).toMatchObject({ address: 'r***@example.com', reason: 'hardBounce' });
    expect(output).not.toContain(address);
  });
});
