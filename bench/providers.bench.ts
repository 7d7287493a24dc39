/**
 * Per-message CPU cost of the send path up to the provider call: validate the SQS body
 * (JSON.parse + the zod contract) and run the adapter's send with the SDK client stubbed, so
 * feature checks, payload building (and MIME composition where used) and result parsing are
 * all counted, network and SDK serialization are not. Goal: < 0.2 ms for a simple email.
 */
import { randomBytes } from 'node:crypto';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { EmailMessage, SmsMessage } from '../src/contract/message.js';
import { validateMessage } from '../src/contract/validate.js';
import { SesEmailProvider } from '../src/providers/email/ses.js';
import { SnsSmsProvider } from '../src/providers/sms/sns.js';
import type { SendContext } from '../src/providers/types.js';
import { type Benchmark, type BenchResult, measure } from './harness.js';

/** A client whose send() answers at once, as SES/SNS would on success. */
const stubClient = <C>(answer: unknown): C => ({ send: async () => answer }) as unknown as C;
const ses = new SesEmailProvider(stubClient<SESv2Client>({ MessageId: 'bench-ses-id' }), { configurationSet: 'mailroom' });
const sns = new SnsSmsProvider(stubClient<SNSClient>({ MessageId: 'bench-sns-id' }));
const ctx: SendContext = { messageId: 'bench-1', attempt: 1, ignoreUnsupportedFeatures: false, tags: ['newsletter'] };

const simpleEmail = JSON.stringify({
  channel: 'email',
  id: 'bench-1',
  from: 'Mailroom <noreply@example.com>',
  to: ['Ann <ann@example.com>'],
  cc: 'carol@example.com',
  subject: 'Your order has shipped',
  text: 'Hello Ann, your order 1234 is on its way.',
  html: '<p>Hello Ann, your order <b>1234</b> is on its way.</p>',
  tags: ['newsletter'],
  metadata: { orderId: 1234 },
  headers: { 'X-Campaign': 'orders' },
});
const megabyte = randomBytes(1024 * 1024).toString('base64');
const withAttachment = (extra: Record<string, unknown>) =>
  JSON.stringify({
    ...JSON.parse(simpleEmail),
    ...extra,
    attachments: [{ filename: 'invoice.pdf', contentType: 'application/pdf', content: megabyte }],
  });
const attachmentEmail = withAttachment({});
const ampAttachmentEmail = withAttachment({ amp: '<!doctype html><html ⚡4email><head></head><body>Order 1234</body></html>' });
const smsBody = JSON.stringify({
  channel: 'sms',
  id: 'bench-sms',
  to: '+14155552671',
  body: 'Your code is 123456. It expires in 10 minutes.',
  from: 'MAILROOM',
});

async function sendEmail(raw: string): Promise<void> {
  const { message } = validateMessage(raw, 'email');
  await ses.send(message as EmailMessage, ctx);
}

async function sendSms(raw: string): Promise<void> {
  const { message } = validateMessage(raw, 'sms');
  await sns.send(message as SmsMessage, ctx);
}

export const benchmarks: Benchmark[] = [
  {
    name: 'providers: validate + build payload per message (SDK stubbed)',
    async run(): Promise<BenchResult[]> {
      return [
        await measure('simple email (Simple content)', () => sendEmail(simpleEmail), { rounds: 15, opsPerRound: 500 }),
        // For attribution: the contract validation alone, the rest is the adapter.
        await measure('  of which validateMessage alone', () => validateMessage(simpleEmail, 'email'), { rounds: 15, opsPerRound: 500 }),
        await measure('email with a 1 MB attachment (Simple content)', () => sendEmail(attachmentEmail), { rounds: 9, opsPerRound: 10 }),
        await measure('email with a 1 MB attachment + AMP (Raw MIME)', () => sendEmail(ampAttachmentEmail), { rounds: 9, opsPerRound: 10 }),
        await measure('SMS (SNS Publish)', () => sendSms(smsBody), { rounds: 15, opsPerRound: 500 }),
      ];
    },
  },
];
