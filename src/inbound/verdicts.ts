/**
 * SES's spam, virus, SPF, DKIM and DMARC verdicts, as the record keeps them.
 * https://docs.aws.amazon.com/ses/latest/dg/receiving-email-notifications-contents.html#receiving-email-notifications-contents-spamverdict-object
 *
 * - `verdicts` keeps each status SES gave (PASS, FAIL, GRAY, PROCESSING_FAILED, DISABLED);
 *   a status we do not know is left out rather than guessed.
 * - `spamDetected`: true when the spam OR the virus verdict is FAIL; false only when both are
 *   PASS; absent otherwise (scanning disabled, GRAY, PROCESSING_FAILED: we do not know).
 * - `spamScore`: SES gives no score, only the verdicts above (its X-SES-Spam-Verdict header
 *   repeats the same PASS/FAIL). Score headers inside the message (X-Spam-Score, X-Spam-Status)
 *   were written by whoever sent or relayed it and are trivially forged, so we never read
 *   them: `spamScore` stays absent for SES.
 * - `quarantine`: the virus verdict is FAIL. The record is kept; attachments go to the
 *   quarantine prefix and are marked (attachments.ts).
 */
import type { Verdict } from '../contract/records.js';
import type { ReceiptNotification } from './notification.js';

const KNOWN: ReadonlySet<string> = new Set<Verdict>(['PASS', 'FAIL', 'GRAY', 'PROCESSING_FAILED', 'DISABLED']);

export interface VerdictSummary {
  readonly verdicts: { spam?: Verdict; virus?: Verdict; spf?: Verdict; dkim?: Verdict; dmarc?: Verdict };
  readonly spamDetected?: boolean;
  readonly quarantine: boolean;
}

function known(v: { status: string } | undefined): Verdict | undefined {
  const status = v?.status.toUpperCase();
  return status !== undefined && KNOWN.has(status) ? (status as Verdict) : undefined;
}

export function summarizeVerdicts(receipt: ReceiptNotification['receipt']): VerdictSummary {
  const all = {
    spam: known(receipt.spamVerdict),
    virus: known(receipt.virusVerdict),
    spf: known(receipt.spfVerdict),
    dkim: known(receipt.dkimVerdict),
    dmarc: known(receipt.dmarcVerdict),
  };
  const verdicts = Object.fromEntries(Object.entries(all).filter(([, v]) => v !== undefined)) as VerdictSummary['verdicts'];
  const spamDetected = all.spam === 'FAIL' || all.virus === 'FAIL' ? true : all.spam === 'PASS' && all.virus === 'PASS' ? false : undefined;
  return { verdicts, ...(spamDetected === undefined ? {} : { spamDetected }), quarantine: all.virus === 'FAIL' };
}
