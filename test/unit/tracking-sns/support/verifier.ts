/** Shared pieces of the verifier tests: a verifier over in-memory certificates, and refusal capture. */
import { expect } from 'vitest';
import {
  parseSnsEnvelope,
  type SnsEnvelope,
  SnsVerificationError,
  SnsVerifier,
  type SnsVerifierOptions,
} from '../../../../src/tracking/sns/index.js';
import { certificateServer } from '../../../support/sns/deps.js';
import { type Fields, NOW, TOPIC } from '../../../support/sns/envelopes.js';

/** A verifier allowing TOPIC, at the test clock, serving `pems` by URL. */
export function makeVerifier(pems: Record<string, string>, opts: Partial<SnsVerifierOptions> = {}) {
  const fetchCertificate = certificateServer(pems);
  const v = new SnsVerifier({ allowedTopicArns: [TOPIC], fetchCertificate, now: () => NOW, ...opts });
  return { v, fetchCertificate };
}

export const env = (f: Fields): SnsEnvelope => parseSnsEnvelope(f);

/** The SnsVerificationError `p` rejects with (fails the test on success or another error). */
export async function refusal(p: Promise<unknown>): Promise<SnsVerificationError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SnsVerificationError);
  return error as SnsVerificationError;
}
