import {
  type BulkEmailEntryResult,
  MessageRejected,
  SESv2Client,
  SendBulkEmailCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { EmailMessage } from '../../../src/contract/message.js';
import { SesEmailProvider } from '../../../src/providers/email/ses.js';
import { MESSAGE_ID_TAG } from '../../../src/providers/email/ses-tags.js';
import { PartialSendError, PermanentProviderError, TransientProviderError } from '../../../src/providers/errors.js';
import { ctx, email } from './support.js';

const ses = mockClient(SESv2Client);
const client = new SESv2Client({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
const provider = () => new SesEmailProvider(client, { configurationSet: 'mailroom' });

/** SUCCESS for every entry of the call, with ids derived from the addresses. */
const allSucceed = (input: { BulkEmailEntries: { Destination: { ToAddresses: string[] } }[] }) => ({
  BulkEmailEntryResults: input.BulkEmailEntries.map((e) => ({ Status: 'SUCCESS', MessageId: `id-${e.Destination.ToAddresses[0]}` })),
});

function succeedAll() {
  ses.on(SendBulkEmailCommand).callsFake(allSucceed);
}

/**
 * The contract caps a message at 50 recipients, so one SendBulkEmail call always suffices
 * today; the adapter still splits, for callers (or a future contract) with more. The message
 * is built past the schema for that reason.
 */
function manyRecipients(count: number): EmailMessage {
  const base = email({
    to: 'u0@example.com',
    subject: 'Hi {{name}}',
    text: 'Dear {{name}}',
    mergeData: { 'u0@example.com': { name: 'U0' } },
  });
  const to = Array.from({ length: count }, (_, i) => ({ address: `u${i}@example.com` }));
  const mergeData = Object.fromEntries(to.map((m, i) => [m.address, { name: `U${i}` }]));
  return { ...base, to, mergeData };
}

const bulkInputs = () => ses.commandCalls(SendBulkEmailCommand).map((c) => c.args[0].input);

beforeEach(() => ses.reset());

describe('SesEmailProvider: mergeData through SendBulkEmail', () => {
  it('sends one entry per recipient with its own data, a default template and the id tag', async () => {
    // Prepare
    succeedAll();
    const message = email({
      to: ['Ann <ann@example.com>', 'bob@example.com'],
      cc: 'boss@example.com',
      subject: 'Hi {{name}}',
      html: '<p>{{name}} on {{plan}}</p>',
      mergeData: { 'ann@example.com': { name: 'Ann' }, 'BOB@example.com': { name: 'Bob', plan: 'pro' } },
      mergeGlobalData: { plan: 'free' },
    });
    // Act
    const result = await provider().send(message, ctx({ messageId: 'bulk-1' }));
    // Assess
    const [input] = bulkInputs();
    expect(input?.DefaultContent?.Template).toEqual({
      TemplateContent: { Subject: 'Hi {{name}}', Html: '<p>{{name}} on {{plan}}</p>' },
      TemplateData: '{"plan":"free"}',
    });
    expect(input?.DefaultEmailTags).toContainEqual({ Name: MESSAGE_ID_TAG, Value: 'bulk-1' });
    expect(input?.ConfigurationSetName).toBe('mailroom');
    expect(input?.BulkEmailEntries).toEqual([
      {
        Destination: { ToAddresses: ['Ann <ann@example.com>'], CcAddresses: ['boss@example.com'] },
        ReplacementEmailContent: { ReplacementTemplate: { ReplacementTemplateData: '{"name":"Ann"}' } },
      },
      {
        Destination: { ToAddresses: ['bob@example.com'], CcAddresses: ['boss@example.com'] },
        ReplacementEmailContent: { ReplacementTemplate: { ReplacementTemplateData: '{"name":"Bob","plan":"pro"}' } },
      },
    ]);
    expect(result.providerMessageId).toBeUndefined();
    expect(result.recipients).toEqual({
      'ann@example.com': { status: 'queued', providerMessageId: 'id-Ann <ann@example.com>' },
      'bob@example.com': { status: 'queued', providerMessageId: 'id-bob@example.com' },
      'boss@example.com': { status: 'queued', detail: 'copied on 2 of 2 messages' },
    });
  });

  it('uses a stored template by name for the default content', async () => {
    succeedAll();
    await provider().send(
      email({ to: 'a@example.com', template: { name: 'welcome', data: { x: 1 } }, mergeData: { 'a@example.com': { y: 2 } } }),
      ctx(),
    );
    expect(bulkInputs()[0]?.DefaultContent?.Template).toEqual({ TemplateName: 'welcome', TemplateData: '{"x":1}' });
  });

  it('splits more than 50 recipients into calls of at most 50 entries', async () => {
    succeedAll();
    const result = await provider().send(manyRecipients(120), ctx());
    expect(bulkInputs().map((i) => i.BulkEmailEntries?.length)).toEqual([50, 50, 20]);
    expect(Object.keys(result.recipients)).toHaveLength(120);
    expect(result.recipients['u119@example.com']).toEqual({ status: 'queued', providerMessageId: 'id-u119@example.com' });
    expect(bulkInputs()[2]?.BulkEmailEntries?.[19]?.ReplacementEmailContent?.ReplacementTemplate?.ReplacementTemplateData).toBe(
      '{"name":"U119"}',
    );
  });

  it('maps each entry status to its recipient without failing the others', async () => {
    ses.on(SendBulkEmailCommand).resolves({
      BulkEmailEntryResults: [
        { Status: 'SUCCESS', MessageId: 'm-a' },
        { Status: 'MESSAGE_REJECTED', Error: 'Email address is on the suppression list' },
        { Status: 'INVALID_PARAMETER', Error: 'Illegal address' },
        { Status: 'SOMETHING_NEW' as BulkEmailEntryResult['Status'] },
      ],
    });
    const to = ['a@example.com', 'b@example.com', 'c@example.com', 'd@example.com'];
    const result = await provider().send(email({ to, subject: 's', text: 't', mergeData: { 'a@example.com': {} } }), ctx());
    expect(result.recipients).toEqual({
      'a@example.com': { status: 'queued', providerMessageId: 'm-a' },
      'b@example.com': { status: 'rejected', code: 'message_rejected', detail: 'Email address is on the suppression list' },
      'c@example.com': { status: 'invalid', code: 'invalid_parameter', detail: 'Illegal address' },
      'd@example.com': { status: 'unknown', code: 'something_new', detail: 'SOMETHING_NEW' },
    });
  });

  it('fails the message when SES refused every entry for good, keeping each reason', async () => {
    ses.on(SendBulkEmailCommand).resolves({
      BulkEmailEntryResults: [
        { Status: 'TEMPLATE_NOT_FOUND', Error: 'Template welcome does not exist' },
        { Status: 'TEMPLATE_NOT_FOUND', Error: 'Template welcome does not exist' },
      ],
    });
    const error = (await provider()
      .send(email({ to: ['a@example.com', 'b@example.com'], template: { name: 'welcome' }, mergeData: { 'a@example.com': {} } }), ctx())
      .catch((e: unknown) => e)) as PermanentProviderError;
    expect(error).toBeInstanceOf(PermanentProviderError);
    expect(error.code).toBe('template_not_found');
    expect(error.recipients?.['b@example.com']).toEqual({
      status: 'failed',
      code: 'template_not_found',
      detail: 'Template welcome does not exist',
    });
  });

  it('stops at a throttled call and reports who was settled, so a retry sends only to the rest', async () => {
    // Prepare: the first call succeeds, the second is throttled, later ones succeed.
    ses
      .on(SendBulkEmailCommand)
      .callsFakeOnce(allSucceed)
      .rejectsOnce(new TooManyRequestsException({ message: 'Maximum sending rate exceeded.', $metadata: { httpStatusCode: 429 } }))
      .callsFake(allSucceed);
    const message = manyRecipients(120);
    // Act
    const error = (await provider()
      .send(message, ctx())
      .catch((e: unknown) => e)) as PartialSendError;
    // Assess
    expect(error).toBeInstanceOf(PartialSendError);
    expect(error.retryable).toBe(true);
    expect(error.code).toBe('throttled');
    expect(Object.keys(error.recipients)).toHaveLength(50);
    expect(error.unsettled).toHaveLength(70);
    expect(error.unsettled).toContain('u50@example.com');
    // Act again: the retry names the settled recipients.
    const callsBefore = bulkInputs().length;
    const retry = await provider().send(message, ctx({ attempt: 2, settledRecipients: Object.keys(error.recipients) }));
    const retried = bulkInputs().slice(callsBefore);
    expect(retried.map((i) => i.BulkEmailEntries?.length)).toEqual([50, 20]);
    expect(retried[0]?.BulkEmailEntries?.[0]?.Destination?.ToAddresses).toEqual(['u50@example.com']);
    expect(Object.keys(retry.recipients)).toHaveLength(70);
  });

  it('settles a call SES refused for good and goes on with the next ones', async () => {
    ses
      .on(SendBulkEmailCommand)
      .callsFakeOnce(allSucceed)
      .rejectsOnce(new MessageRejected({ message: 'Illegal header', $metadata: { httpStatusCode: 400 } }))
      .callsFake(allSucceed);
    const result = await provider().send(manyRecipients(120), ctx());
    expect(bulkInputs()).toHaveLength(3);
    expect(result.recipients['u0@example.com']?.status).toBe('queued');
    expect(result.recipients['u50@example.com']).toEqual({
      status: 'rejected',
      code: 'message_rejected',
      detail: 'ses: MessageRejected: Illegal header',
    });
    expect(result.recipients['u119@example.com']?.status).toBe('queued');
  });

  it('retries only the entries SES throttled inside an accepted call', async () => {
    ses.on(SendBulkEmailCommand).resolves({
      BulkEmailEntryResults: [
        { Status: 'SUCCESS', MessageId: 'm-a' },
        { Status: 'ACCOUNT_THROTTLED', Error: 'Maximum sending rate exceeded' },
      ],
    });
    const error = (await provider()
      .send(email({ to: ['a@example.com', 'b@example.com'], subject: 's', text: 't', mergeData: { 'a@example.com': {} } }), ctx())
      .catch((e: unknown) => e)) as PartialSendError;
    expect(error).toBeInstanceOf(PartialSendError);
    expect(error.recipients).toEqual({ 'a@example.com': { status: 'queued', providerMessageId: 'm-a' } });
    expect(error.unsettled).toEqual(['b@example.com']);
  });

  it('is a plain transient error when nothing was settled', async () => {
    ses
      .on(SendBulkEmailCommand)
      .resolves({ BulkEmailEntryResults: [{ Status: 'ACCOUNT_DAILY_QUOTA_EXCEEDED' }, { Status: 'ACCOUNT_DAILY_QUOTA_EXCEEDED' }] });
    const error = await provider()
      .send(email({ to: ['a@example.com', 'b@example.com'], subject: 's', text: 't', mergeData: { 'a@example.com': {} } }), ctx())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientProviderError);
    expect(error).not.toBeInstanceOf(PartialSendError);
    expect((error as TransientProviderError).code).toBe('daily_quota_exceeded');
  });

  it('refuses mergeData with nobody in `to`, which would send nothing', async () => {
    const message = email({ cc: 'boss@example.com', subject: 's', text: 't', mergeData: {} });
    await expect(provider().send(message, ctx({ ignoreUnsupportedFeatures: true }))).rejects.toThrow(/mergeData without a `to` recipient/);
    expect(bulkInputs()).toHaveLength(0);
  });

  it('reports unknown for every recipient when SES returns the wrong number of results', async () => {
    ses.on(SendBulkEmailCommand).resolves({ BulkEmailEntryResults: [{ Status: 'SUCCESS', MessageId: 'm-a' }] });
    const result = await provider().send(
      email({ to: ['a@example.com', 'b@example.com'], subject: 's', text: 't', mergeData: { 'a@example.com': {} } }),
      ctx(),
    );
    expect(result.recipients['a@example.com']?.status).toBe('unknown');
    expect(result.recipients['b@example.com']?.status).toBe('unknown');
  });
});
