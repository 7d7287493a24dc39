/**
 * The receipt notification SES's S3 action would publish for a mail already stored at
 * `bucket`/`objectKeyPrefix + messageId`. Used by the local pipeline (`mailroom inbound
 * receive`) and tests, so nothing outside this module hand-writes the SES format.
 * Format: https://docs.aws.amazon.com/ses/latest/dg/receiving-email-notifications-contents.html
 *
 * Verdicts default to DISABLED: nothing scanned the mail locally, and claiming PASS would make
 * `spamDetected` false for mail nobody checked.
 */
import type { Verdict } from '../contract/records.js';
import type { ReceiptNotification } from './notification.js';

export interface SimulatedReceipt {
  readonly messageId: string;
  readonly bucket: string;
  /** The receipt rule's object key prefix (the CDK stack uses "raw/"). */
  readonly objectKeyPrefix: string;
  /** Envelope RCPT TO addresses. */
  readonly recipients: readonly string[];
  /** Envelope MAIL FROM; "" for a bounce. */
  readonly envelopeSender?: string;
  readonly receivedAt?: Date;
  readonly topicArn?: string;
  readonly verdicts?: Partial<Record<'spam' | 'virus' | 'spf' | 'dkim' | 'dmarc', Verdict>>;
}

export function simulatedS3Receipt(input: SimulatedReceipt): ReceiptNotification {
  const timestamp = (input.receivedAt ?? new Date()).toISOString();
  const v = (k: keyof NonNullable<SimulatedReceipt['verdicts']>) => ({ status: input.verdicts?.[k] ?? 'DISABLED' });
  return {
    notificationType: 'Received',
    receipt: {
      timestamp,
      processingTimeMillis: 0,
      recipients: [...input.recipients],
      spamVerdict: v('spam'),
      virusVerdict: v('virus'),
      spfVerdict: v('spf'),
      dkimVerdict: v('dkim'),
      dmarcVerdict: v('dmarc'),
      action: {
        type: 'S3',
        bucketName: input.bucket,
        objectKeyPrefix: input.objectKeyPrefix,
        objectKey: `${input.objectKeyPrefix}${input.messageId}`,
        ...(input.topicArn ? { topicArn: input.topicArn } : {}),
      },
    },
    mail: {
      timestamp,
      source: input.envelopeSender ?? '',
      messageId: input.messageId,
      destination: [...input.recipients],
    },
  };
}
