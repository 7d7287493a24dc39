/** Helpers shared by the adapter tests: a parsed contract email, the send context, the fake's control API. */
import { type EmailMessage, type EmailMessageInput, emailMessageSchema } from '../../../../src/contract/message.js';
import type { FakeMessage } from '../../../../src/providers/fakes/types.js';
import type { SendContext } from '../../../../src/providers/types.js';

export const PNG_1PX_B64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';
export const PDF_B64 = Buffer.from('%PDF-1.4\n% fake\n').toString('base64');

export function email(fields: Partial<EmailMessageInput> = {}): EmailMessage {
  return emailMessageSchema.parse({
    channel: 'email',
    from: 'Shop <shop@mg.example.com>',
    to: 'alice@example.com',
    subject: 'Hi',
    text: 'Hello',
    ...fields,
  });
}

/** Every field the HTTP providers carry (attachments, inline image, cc/bcc, headers, tags, metadata). */
export const FULL: Partial<EmailMessageInput> = {
  to: ['Alice <alice@example.com>', 'bob@example.com'],
  cc: 'carol@example.com',
  bcc: 'dave@example.com',
  replyTo: 'help@example.com',
  subject: 'Your order',
  text: 'Hello',
  html: '<p>Hello <img src="cid:logo@mailroom"></p>',
  headers: { 'X-Order': '42' },
  tags: ['orders'],
  metadata: { orderId: 'o-1', total: 42, paid: true },
  attachments: [
    { filename: 'invoice.pdf', contentType: 'application/pdf', content: PDF_B64 },
    { filename: 'logo.png', contentType: 'image/png', content: PNG_1PX_B64, disposition: 'inline', contentId: 'logo@mailroom' },
  ],
};

export const ctx = (messageId = 'msg-1', extra: Partial<SendContext> = {}): SendContext => ({
  messageId,
  attempt: 1,
  ignoreUnsupportedFeatures: false,
  ...extra,
});

export async function fakeMessages(baseUrl: string): Promise<FakeMessage[]> {
  return (await (await fetch(`${baseUrl}/_fake/messages`)).json()) as FakeMessage[];
}

export async function fault(baseUrl: string, spec: { status?: number; count?: number; delayMs?: number }): Promise<void> {
  const res = await fetch(`${baseUrl}/_fake/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(spec),
  });
  if (res.status !== 200) throw new Error(`fault not set: ${res.status}`);
}

export async function clearFaults(baseUrl: string): Promise<void> {
  await fetch(`${baseUrl}/_fake/faults`, { method: 'DELETE' });
}

/** The error a send rejects with (fails the test when it resolves). */
export async function failure(p: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await p;
  } catch (error) {
    return error as Record<string, unknown>;
  }
  throw new Error('expected the send to fail');
}
