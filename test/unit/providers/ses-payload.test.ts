import { SESv2Client, SendEmailCommand, type SendEmailCommandInput } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { type AddressObject, simpleParser } from 'mailparser';
import { beforeEach, describe, expect, it } from 'vitest';
import { type EmailMessage, emailMessageSchema } from '../../../src/contract/message.js';
import { ConfigError } from '../../../src/errors.js';
import { SesEmailProvider } from '../../../src/providers/email/ses.js';
import { decodeTagValue, MESSAGE_ID_TAG } from '../../../src/providers/email/ses-tags.js';
import { PermanentProviderError, UnsupportedFeatureError } from '../../../src/providers/errors.js';
import { b64, ctx, decodeEncodedWords, email, PNG_1X1 } from './support.js';

const ses = mockClient(SESv2Client);
const client = new SESv2Client({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
const provider = (opts: ConstructorParameters<typeof SesEmailProvider>[1] = {}) =>
  new SesEmailProvider(client, { configurationSet: 'mailroom', ...opts });

beforeEach(() => {
  ses.reset();
  ses.on(SendEmailCommand).resolves({ MessageId: '0100018f-ses-id' });
});

function sentInput(): SendEmailCommandInput {
  const calls = ses.commandCalls(SendEmailCommand);
  expect(calls).toHaveLength(1);
  return calls[0]!.args[0].input;
}

async function parseRaw(input: SendEmailCommandInput) {
  const data = input.Content?.Raw?.Data;
  expect(data).toBeInstanceOf(Uint8Array);
  return { parsed: await simpleParser(Buffer.from(data!), { keepCidLinks: true }), text: Buffer.from(data!).toString('utf8') };
}

const addresses = (a: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(a) ? a : a ? [a] : []).flatMap((x) => x.value.map((v) => v.address));

describe('SesEmailProvider: Simple content', () => {
  it('sends subject, text and html as Simple content with configuration set and id tag', async () => {
    // Prepare
    const message = email({
      to: ['A@Example.com', 'Bo <b@example.com>'],
      cc: 'c@example.com',
      bcc: 'd@example.com',
      replyTo: 'r@example.com',
      subject: 'Hi',
      text: 'plain',
      html: '<p>html</p>',
    });
    // Act
    const result = await provider().send(message, ctx({ messageId: 'derived:abc.def' }));
    // Assess
    const input = sentInput();
    expect(input.Content?.Simple).toEqual({
      Subject: { Data: 'Hi', Charset: 'UTF-8' },
      Body: { Text: { Data: 'plain', Charset: 'UTF-8' }, Html: { Data: '<p>html</p>', Charset: 'UTF-8' } },
    });
    expect(input.FromEmailAddress).toBe('Sender <sender@example.com>');
    expect(input.Destination).toEqual({
      ToAddresses: ['A@example.com', 'Bo <b@example.com>'],
      CcAddresses: ['c@example.com'],
      BccAddresses: ['d@example.com'],
    });
    expect(input.ReplyToAddresses).toEqual(['r@example.com']);
    expect(input.ConfigurationSetName).toBe('mailroom');
    const idTag = input.EmailTags?.find((t) => t.Name === MESSAGE_ID_TAG);
    expect(idTag?.Value).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeTagValue(idTag!.Value!)).toBe('derived:abc.def');
    expect(result.provider).toBe('ses');
    expect(result.providerMessageId).toBe('0100018f-ses-id');
    expect(result.recipients).toEqual({
      'a@example.com': { status: 'queued', providerMessageId: '0100018f-ses-id' },
      'b@example.com': { status: 'queued', providerMessageId: '0100018f-ses-id' },
      'c@example.com': { status: 'queued', providerMessageId: '0100018f-ses-id' },
      'd@example.com': { status: 'queued', providerMessageId: '0100018f-ses-id' },
    });
  });

  it('encodes non-ASCII display names as RFC 2047 words', async () => {
    const message = email({
      from: { name: 'Zoë Müller', address: 'zoe@example.com' },
      to: 'Jürgen <j@example.com>',
      subject: 'Grüße',
      text: 'x',
    });
    await provider().send(message, ctx());
    const input = sentInput();
    expect(input.FromEmailAddress).toBe('=?UTF-8?Q?Zo=C3=AB_M=C3=BCller?= <zoe@example.com>');
    expect(input.Destination?.ToAddresses).toEqual(['=?UTF-8?Q?J=C3=BCrgen?= <j@example.com>']);
    expect(input.Content?.Simple?.Subject).toEqual({ Data: 'Grüße', Charset: 'UTF-8' });
  });

  it('keeps custom headers, attachments and inline images in Simple content', async () => {
    const message = email({
      to: 'a@example.com',
      subject: 'Report',
      html: '<img src="cid:logo">',
      headers: { 'X-Campaign': 'spring', 'X-Note': 'héllo wörld', 'List-Unsubscribe': '<mailto:u@example.com>' },
      attachments: [
        { filename: 'report.pdf', content: b64('%PDF-1.4 report') },
        { filename: 'logo.png', content: PNG_1X1, disposition: 'inline', contentId: '<logo>' },
      ],
    });
    await provider().send(message, ctx());
    const simple = sentInput().Content?.Simple;
    expect(simple?.Headers).toEqual([
      { Name: 'X-Campaign', Value: 'spring' },
      { Name: 'X-Note', Value: '=?UTF-8?Q?h=C3=A9llo_w=C3=B6rld?=' },
      { Name: 'List-Unsubscribe', Value: '<mailto:u@example.com>' },
    ]);
    expect(simple?.Attachments).toHaveLength(2);
    const [pdf, logo] = simple!.Attachments!;
    expect(pdf).toMatchObject({
      FileName: 'report.pdf',
      ContentType: 'application/pdf',
      ContentDisposition: 'ATTACHMENT',
      ContentTransferEncoding: 'BASE64',
    });
    expect(Buffer.from(pdf!.RawContent!).toString('utf8')).toBe('%PDF-1.4 report');
    expect(logo).toMatchObject({ FileName: 'logo.png', ContentType: 'image/png', ContentDisposition: 'INLINE', ContentId: 'logo' });
    expect(Buffer.from(logo!.RawContent!).toString('base64')).toBe(PNG_1X1);
  });

  it('returns unknown, not queued, when SES answers without a MessageId', async () => {
    ses.on(SendEmailCommand).resolves({});
    const result = await provider().send(email({ to: 'a@example.com', subject: 's', text: 't' }), ctx());
    expect(result.recipients['a@example.com']?.status).toBe('unknown');
    expect(result.providerMessageId).toBeUndefined();
  });
});

describe('SesEmailProvider: Raw MIME', () => {
  it('builds Raw MIME for AMP with every part, header and recipient right', async () => {
    // Prepare
    const message = email({
      from: { name: 'Zoë', address: 'zoe@example.com' },
      to: ['a@example.com', 'B <b@example.com>'],
      cc: 'c@example.com',
      bcc: ['hidden@example.com'],
      replyTo: 'reply@example.com',
      subject: 'Ünïcode subject',
      text: 'plain body',
      html: '<p>html <img src="cid:logo@mailroom"></p>',
      amp: '<!doctype html><html ⚡4email><body>amp</body></html>',
      headers: { 'X-Campaign': 'spring', 'X-Note': 'héllo' },
      attachments: [
        { filename: 'report.pdf', content: b64('%PDF-1.4 report'), contentType: 'application/pdf' },
        { filename: 'logo.png', content: PNG_1X1, disposition: 'inline', contentId: 'logo@mailroom' },
      ],
    });
    // Act
    const result = await provider().send(message, ctx());
    // Assess
    const input = sentInput();
    expect(input.Content?.Simple).toBeUndefined();
    expect(input.Destination?.BccAddresses).toEqual(['hidden@example.com']);
    const { parsed, text } = await parseRaw(input);
    expect(parsed.from?.value).toEqual([{ name: 'Zoë', address: 'zoe@example.com' }]);
    expect(addresses(parsed.to)).toEqual(['a@example.com', 'b@example.com']);
    expect(addresses(parsed.cc)).toEqual(['c@example.com']);
    expect(parsed.bcc).toBeUndefined();
    expect(text).not.toContain('hidden@example.com');
    expect(addresses(parsed.replyTo)).toEqual(['reply@example.com']);
    expect(parsed.subject).toBe('Ünïcode subject');
    expect(parsed.text?.trim()).toBe('plain body');
    expect(parsed.html).toContain('cid:logo@mailroom');
    expect(parsed.headers.get('x-campaign')).toBe('spring');
    expect(decodeEncodedWords(String(parsed.headers.get('x-note')))).toBe('héllo');
    expect(text).toMatch(/Content-Type: text\/x-amp-html/);
    expect(text.indexOf('text/x-amp-html')).toBeLessThan(text.indexOf('Content-Type: text/html'));
    const pdf = parsed.attachments.find((a) => a.filename === 'report.pdf');
    expect(pdf?.contentType).toBe('application/pdf');
    expect(pdf?.contentDisposition).toBe('attachment');
    expect(pdf?.content.toString('utf8')).toBe('%PDF-1.4 report');
    const logo = parsed.attachments.find((a) => a.cid === 'logo@mailroom');
    expect(logo?.contentDisposition).toBe('inline');
    expect(logo?.contentType).toBe('image/png');
    expect(logo?.content.toString('base64')).toBe(PNG_1X1);
    expect(result.recipients['hidden@example.com']?.status).toBe('queued');
  });

  it('goes Raw for a filename SES Simple cannot carry, and no hostile filename injects a header', async () => {
    const hostile = 'r\u00e9sum\u00e9"; filename="evil.exe"; x-injected="1.pdf';
    const message = email({
      to: 'a@example.com',
      subject: 's',
      text: 't',
      attachments: [{ filename: hostile, content: b64('data'), contentType: 'application/pdf' }],
    });
    await provider().send(message, ctx());
    const { parsed, text } = await parseRaw(sentInput());
    expect(parsed.attachments).toHaveLength(1);
    expect(parsed.attachments[0]?.filename).toBe(hostile);
    expect(parsed.attachments[0]?.content.toString('utf8')).toBe('data');
    // Every header line of the MIME is either a known header or a folded continuation.
    const headerNames = text
      .split(/\r?\n/)
      .filter((l) => /^[A-Za-z-]+:/.test(l))
      .map((l) => l.slice(0, l.indexOf(':')).toLowerCase());
    expect(headerNames).not.toContain('x-injected');
    expect(headerNames).not.toContain('filename');
    expect(parsed.headers.has('x-injected')).toBe(false);
  });

  it('goes Raw for a header longer than SES Simple headers allow, folded and intact', async () => {
    // 300 characters, but as RFC 2047 encoded-words far past SES's 995-character Simple header limit.
    const long = 'ü'.repeat(300);
    await provider().send(email({ to: 'a@example.com', subject: 's', text: 't', headers: { 'X-Long': long } }), ctx());
    const { parsed, text } = await parseRaw(sentInput());
    expect(decodeEncodedWords(String(parsed.headers.get('x-long')))).toBe(long);
    expect(text.split(/\r?\n/).every((line) => line.length <= 998)).toBe(true);
  });

  it('goes Raw past the 15 custom headers Simple content takes, keeping every one', async () => {
    const headers = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`X-H${i}`, `v${i}`]));
    await provider().send(email({ to: 'a@example.com', subject: 's', text: 't', headers }), ctx());
    const input = sentInput();
    expect(input.Content?.Simple).toBeUndefined();
    const { parsed } = await parseRaw(input);
    for (const [name, value] of Object.entries(headers)) expect(parsed.headers.get(name.toLowerCase())).toBe(value);
  });

  it('refuses more than 15 custom headers with a template, where Raw is no way out', async () => {
    const headers = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`X-H${i}`, `v${i}`]));
    const message = email({ to: 'a@example.com', template: { name: 'welcome' }, headers });
    await expect(provider().send(message, ctx())).rejects.toThrow(UnsupportedFeatureError);
    await expect(provider().send(message, ctx({ ignoreUnsupportedFeatures: true }))).rejects.toThrow(/16 custom headers with a template/);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it('never lets CR/LF into headers, subjects, names or filenames: the schema refuses them', () => {
    const base = { channel: 'email', from: 'a@example.com', to: 'b@example.com', text: 't', subject: 's' };
    expect(emailMessageSchema.safeParse({ ...base, subject: 'x\r\nBcc: evil@example.com' }).success).toBe(false);
    expect(emailMessageSchema.safeParse({ ...base, headers: { 'X-A': 'v\r\nBcc: evil@example.com' } }).success).toBe(false);
    expect(emailMessageSchema.safeParse({ ...base, headers: { 'X-A\r\nBcc': 'v' } }).success).toBe(false);
    expect(emailMessageSchema.safeParse({ ...base, from: { name: 'A\nBcc: e@example.com', address: 'a@example.com' } }).success).toBe(
      false,
    );
    expect(
      emailMessageSchema.safeParse({ ...base, attachments: [{ filename: 'a.txt\r\nX-Injected: 1', content: b64('x') }] }).success,
    ).toBe(false);
  });
});

describe('SesEmailProvider: templates', () => {
  it('sends a stored template by name with global and template data merged', async () => {
    const message = email({
      to: 'a@example.com',
      template: { name: 'welcome', data: { name: 'Ann', plan: 'pro' } },
      mergeGlobalData: { plan: 'free', company: 'ACME' },
      headers: { 'X-Campaign': 'welcome' },
      attachments: [{ filename: 'terms.txt', content: b64('terms') }],
    });
    await provider().send(message, ctx());
    const template = sentInput().Content?.Template;
    expect(template?.TemplateName).toBe('welcome');
    expect(JSON.parse(template!.TemplateData!)).toEqual({ plan: 'pro', company: 'ACME', name: 'Ann' });
    expect(template?.Headers).toEqual([{ Name: 'X-Campaign', Value: 'welcome' }]);
    expect(template?.Attachments?.[0]).toMatchObject({ FileName: 'terms.txt', ContentType: 'text/plain' });
  });

  it('sends an inline template as TemplateContent', async () => {
    await provider().send(
      email({ to: 'a@example.com', template: { subject: 'Hi {{name}}', html: '<b>{{name}}</b>', data: { name: 'Ann' } } }),
      ctx(),
    );
    const template = sentInput().Content?.Template;
    expect(template?.TemplateContent).toEqual({ Subject: 'Hi {{name}}', Html: '<b>{{name}}</b>' });
    expect(JSON.parse(template!.TemplateData!)).toEqual({ name: 'Ann' });
  });

  it('treats the body as an inline template when only mergeGlobalData is given', async () => {
    await provider().send(
      email({ to: 'a@example.com', subject: 'Hi {{name}}', text: 'Dear {{name}}', mergeGlobalData: { name: 'all' } }),
      ctx(),
    );
    const template = sentInput().Content?.Template;
    expect(template?.TemplateContent).toEqual({ Subject: 'Hi {{name}}', Text: 'Dear {{name}}' });
    expect(template?.TemplateData).toBe('{"name":"all"}');
  });

  it('refuses subject/text/html next to a template, or drops them when told to ignore', async () => {
    const message = email({ to: 'a@example.com', subject: 'override', text: 'body', template: { name: 'welcome' } });
    await expect(provider().send(message, ctx())).rejects.toBeInstanceOf(UnsupportedFeatureError);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
    const result = await provider().send(message, ctx({ ignoreUnsupportedFeatures: true }));
    expect(result.ignoredFeatures).toEqual([expect.stringContaining('subject/text/html alongside template')]);
    expect(sentInput().Content?.Template?.TemplateContent).toBeUndefined();
  });

  it('refuses AMP with a template (SES templates have no AMP part)', async () => {
    const message = email({ to: 'a@example.com', amp: '<html ⚡4email></html>', template: { name: 'welcome' } });
    const error = await provider()
      .send(message, ctx())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedFeatureError);
    expect((error as UnsupportedFeatureError).features).toEqual([expect.stringContaining('amp with a template')]);
  });
});

describe('SesEmailProvider: envelope, tags, options, features', () => {
  it('maps envelopeSender to FeedbackForwardingEmailAddress (SES owns MAIL FROM)', async () => {
    await provider().send(email({ to: 'a@example.com', subject: 's', text: 't', envelopeSender: 'Bounces <bounces@example.com>' }), ctx());
    const input = sentInput();
    expect(input.FeedbackForwardingEmailAddress).toBe('bounces@example.com');
    expect(input.Content?.Simple?.Headers).toBeUndefined();
  });

  it('carries valid contract tags as SES tags and never as headers', async () => {
    const message = email({ to: 'a@example.com', subject: 's', text: 't', tags: ['newsletter', 'spring_2025', 'Black Friday', 'a.b'] });
    await provider().send(message, ctx({ messageId: 'm-1', tags: message.tags }));
    const input = sentInput();
    expect(input.EmailTags).toEqual([
      { Name: MESSAGE_ID_TAG, Value: 'm-1' },
      { Name: 'newsletter', Value: 'true' },
      { Name: 'spring_2025', Value: 'true' },
    ]);
    expect(JSON.stringify(input.Content)).not.toContain('newsletter');
  });

  it('passes allowed providerOptions and refuses the others', async () => {
    const message = email({
      to: 'a@example.com',
      subject: 's',
      text: 't',
      providerOptions: {
        configurationSetName: 'other-set',
        emailTags: { campaign: 'spring' },
        listManagementOptions: { contactListName: 'news' },
      },
    });
    await provider().send(message, ctx());
    const input = sentInput();
    expect(input.ConfigurationSetName).toBe('other-set');
    expect(input.EmailTags).toContainEqual({ Name: 'campaign', Value: 'spring' });
    expect(input.ListManagementOptions).toEqual({ ContactListName: 'news', TopicName: undefined });
    const bad = email({
      to: 'a@example.com',
      subject: 's',
      text: 't',
      providerOptions: { Destination: { ToAddresses: ['x@example.com'] }, emailTags: { 'bad tag': 'v' } },
    });
    const error = (await provider()
      .send(bad, ctx())
      .catch((e: unknown) => e)) as UnsupportedFeatureError;
    expect(error).toBeInstanceOf(UnsupportedFeatureError);
    expect(error.features).toHaveLength(2);
    expect(error.features[0]).toContain('providerOptions.Destination');
  });

  it('refuses headers SES or the adapter own, including SES control headers', async () => {
    const message = email({
      to: 'a@example.com',
      subject: 's',
      text: 't',
      headers: { 'X-SES-CONFIGURATION-SET': 'other', From: 'x@example.com', 'X-Ok': '1' },
    });
    const error = (await provider()
      .send(message, ctx())
      .catch((e: unknown) => e)) as UnsupportedFeatureError;
    expect(error.features).toHaveLength(2);
    const result = await provider().send(message, ctx({ ignoreUnsupportedFeatures: true }));
    expect(sentInput().Content?.Simple?.Headers).toEqual([{ Name: 'X-Ok', Value: '1' }]);
    expect(result.ignoredFeatures).toHaveLength(2);
  });

  it('treats per-message tracking as unsupported unless it matches the configuration set', async () => {
    const message = email({ to: 'a@example.com', subject: 's', text: 't', trackOpens: true, trackClicks: false });
    await expect(provider().send(message, ctx())).rejects.toBeInstanceOf(UnsupportedFeatureError);
    await provider({ tracking: { opens: true, clicks: false } }).send(message, ctx());
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
    const mismatch = await provider({ tracking: { opens: false, clicks: false } }).send(message, ctx({ ignoreUnsupportedFeatures: true }));
    expect(mismatch.ignoredFeatures).toEqual([expect.stringContaining('trackOpens')]);
  });

  it('treats a future sendAt as unsupported and a due one as nothing special', async () => {
    const now = () => new Date('2025-05-01T12:00:00Z');
    const future = email({ to: 'a@example.com', subject: 's', text: 't', sendAt: '2025-05-01T13:00:00+00:00' });
    await expect(provider({ now }).send(future, ctx())).rejects.toThrow(/sendAt/);
    const due = email({ to: 'a@example.com', subject: 's', text: 't', sendAt: '2025-05-01T11:59:00+00:00' });
    const result = await provider({ now }).send(due, ctx());
    expect(result.ignoredFeatures).toBeUndefined();
  });

  it('refuses non-ASCII local parts (SES has no SMTPUTF8), even when told to ignore', async () => {
    const message = email({ to: 'jürgen@example.com', subject: 's', text: 't' });
    const error = (await provider()
      .send(message, ctx({ ignoreUnsupportedFeatures: true }))
      .catch((e: unknown) => e)) as UnsupportedFeatureError;
    expect(error).toBeInstanceOf(UnsupportedFeatureError);
    expect(error.feature).toContain('cannot be ignored');
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it('validates its configuration with every problem listed', () => {
    const error = (() => {
      try {
        new SesEmailProvider(client, { configurationSet: 'bad set!', messageIdTag: 'bad.tag' });
      } catch (e) {
        return e;
      }
      return undefined;
    })() as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.problems).toHaveLength(2);
  });
});

describe('SesEmailProvider: attachments from S3', () => {
  const s3Message = (): EmailMessage =>
    email({
      to: 'a@example.com',
      subject: 's',
      text: 't',
      attachments: [{ filename: 'big.csv', s3: { bucket: 'payloads', key: 'a/big.csv' } }],
    });

  it('refuses S3 attachments when no S3 client is configured, naming the fix', async () => {
    const error = (await provider()
      .send(s3Message(), ctx())
      .catch((e: unknown) => e)) as UnsupportedFeatureError;
    expect(error).toBeInstanceOf(UnsupportedFeatureError);
    expect(error.feature).toContain('attachments[0].s3 (no S3 client configured');
  });

  it('fetches S3 attachments with the configured fetcher', async () => {
    const fetched: string[] = [];
    const fetchAttachment = async (ref: { bucket: string; key: string }) => {
      fetched.push(`${ref.bucket}/${ref.key}`);
      return { content: new TextEncoder().encode('a,b\n1,2\n'), contentType: 'text/csv; charset=utf-8' };
    };
    await provider({ fetchAttachment }).send(s3Message(), ctx());
    expect(fetched).toEqual(['payloads/a/big.csv']);
    const attachment = sentInput().Content?.Simple?.Attachments?.[0];
    expect(attachment?.ContentType).toBe('text/csv');
    expect(Buffer.from(attachment!.RawContent!).toString()).toBe('a,b\n1,2\n');
  });

  it('fails permanently when the S3 object does not exist', async () => {
    const fetchAttachment = async () => {
      throw Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } });
    };
    const error = (await provider({ fetchAttachment })
      .send(s3Message(), ctx())
      .catch((e: unknown) => e)) as PermanentProviderError;
    expect(error).toBeInstanceOf(PermanentProviderError);
    expect(error.code).toBe('attachment_not_found');
    expect(error.message).toContain('s3://payloads/a/big.csv');
  });

  it('refuses a message SES would refuse for size before calling it', async () => {
    const fetchAttachment = async () => ({ content: new Uint8Array(31 * 1024 * 1024) });
    const error = (await provider({ fetchAttachment })
      .send(s3Message(), ctx())
      .catch((e: unknown) => e)) as PermanentProviderError;
    expect(error.code).toBe('message_too_large');
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });
});
