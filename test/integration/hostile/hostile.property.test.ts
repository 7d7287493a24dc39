/**
 * Hostile inputs at every entry point (issue 7, "Build the suite that finds these"): each
 * input must end in exactly one of a stored record, a DLQ entry with its reason, or a logged
 * and counted refusal; nothing unclassified, nothing silently rewritten. Fixed seed; set
 * FUZZ_RUNS (and FUZZ_SEED) for longer runs. See ./README.md.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzParameters } from '../../support/hostile/arbitraries.js';
import { OutcomeTally, settle } from '../../support/hostile/invariant.js';
import { localEnv } from '../../support/local.js';
import { issueCertificate } from '../../support/sns/pki.js';
import { ENTRY_POINTS, type HostileEnv } from './entry-points.js';

const DEFAULT_RUNS = 25;
let env: HostileEnv;

beforeAll(async () => {
  const cert = issueCertificate();
  env = { local: await localEnv(), signing: { privateKey: cert.privateKey, pem: cert.pem } };
});
afterAll(() => env.local.clients.destroy());

describe('hostile inputs at every entry point', () => {
  for (const { name, create } of ENTRY_POINTS) {
    it(`${name}: every input ends in exactly one classified outcome`, { timeout: 180_000 }, async () => {
      const entry = create(env);
      const tally = new OutcomeTally();
      await fc.assert(
        fc.asyncProperty(entry.arbitrary, async (input) => {
          const seen = await entry.run(input);
          tally.add(settle(entry.classify(input, seen)));
        }),
        fuzzParameters(DEFAULT_RUNS),
      );
      // The generators reach more than one kind of outcome: they are not all refused at the door.
      expect(tally.kinds().size, `${entry.name}: ${JSON.stringify([...tally.counts])}`).toBeGreaterThan(1);
    });
  }
});
