/**
 * SNS SMS adapter: Publish attributes and error mapping (aws-sdk-client-mock; fauxqs has no
 * SMS). Attribute names: https://docs.aws.amazon.com/sns/latest/dg/sms_publish-to-phone.html
 */
import {
  AuthorizationErrorException,
  CheckIfPhoneNumberIsOptedOutCommand,
  InternalErrorException,
  InvalidParameterException,
  OptedOutException,
  PublishCommand,
  SNSClient,
  SNSServiceException,
  ThrottledException,
} from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import {
  PermanentProviderError,
  type ProviderError,
  TransientProviderError,
  UnsupportedFeatureError,
} from '../../../src/providers/errors.js';
import { formatPrice, SnsSmsProvider } from '../../../src/providers/sms/sns.js';
import { ctx, sms } from './support.js';

const sns = mockClient(SNSClient);
const client = new SNSClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
const provider = (opts: ConstructorParameters<typeof SnsSmsProvider>[1] = {}) => new SnsSmsProvider(client, opts);
const published = () => {
  const calls = sns.commandCalls(PublishCommand);
  expect(calls).toHaveLength(1);
  return calls[0]!.args[0].input;
};

beforeEach(() => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'sns-msg-1' });
});

describe('SnsSmsProvider payload', () => {
  it('publishes to the number with SMSType, origination number and MaxPrice', async () => {
    // Prepare
    const message = sms({ to: '+14155552671', body: 'Your code is 123456', from: '+18005550100', maxPrice: 0.00645 });
    // Act
    const result = await provider().send(message, ctx());
    // Assess
    expect(published()).toEqual({
      PhoneNumber: '+14155552671',
      Message: 'Your code is 123456',
      MessageAttributes: {
        'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
        'AWS.MM.SMS.OriginationNumber': { DataType: 'String', StringValue: '+18005550100' },
        'AWS.SNS.SMS.MaxPrice': { DataType: 'Number', StringValue: '0.00645' },
      },
    });
    expect(result).toEqual({
      provider: 'sns',
      providerMessageId: 'sns-msg-1',
      recipients: { '+14155552671': { status: 'queued', providerMessageId: 'sns-msg-1' } },
      smsSegments: 1,
      smsEncoding: 'GSM-7',
    });
  });

  it('sends an alphanumeric from as SenderID and promotional type', async () => {
    await provider().send(sms({ to: '+447911123456', body: 'Sale!', from: 'ACME', smsType: 'promotional' }), ctx());
    expect(published().MessageAttributes).toEqual({
      'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Promotional' },
      'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: 'ACME' },
    });
  });

  it('falls back to the configured sender ID and origination number', async () => {
    await provider({ defaultSenderId: 'MAILROOM', defaultOriginationNumber: '+18005550199' }).send(
      sms({ to: '+447911123456', body: 'hi' }),
      ctx(),
    );
    const attributes = published().MessageAttributes!;
    expect(attributes['AWS.SNS.SMS.SenderID']?.StringValue).toBe('MAILROOM');
    expect(attributes['AWS.MM.SMS.OriginationNumber']?.StringValue).toBe('+18005550199');
  });

  it('passes the India TRAI entity and template ids from providerOptions', async () => {
    await provider().send(
      sms({
        to: '+919876543210',
        body: 'OTP 1234',
        from: 'ACMEIN',
        providerOptions: { entityId: '1701165718168578728', templateId: '1707166375278247471' },
      }),
      ctx(),
    );
    const attributes = published().MessageAttributes!;
    expect(attributes['AWS.MM.SMS.EntityId']).toEqual({ DataType: 'String', StringValue: '1701165718168578728' });
    expect(attributes['AWS.MM.SMS.TemplateId']).toEqual({ DataType: 'String', StringValue: '1707166375278247471' });
  });

  it('records UCS-2 segments for a long non-GSM body', async () => {
    const result = await provider().send(sms({ to: '+14155552671', body: 'Привет! '.repeat(20) }), ctx());
    expect(result.smsEncoding).toBe('UCS-2');
    expect(result.smsSegments).toBe(3);
  });

  it('refuses MMS media (SNS has none), or drops it when told to ignore', async () => {
    const message = sms({ to: '+14155552671', body: 'look', mediaUrls: ['https://example.com/a.jpg'] });
    const error = (await provider()
      .send(message, ctx())
      .catch((e: unknown) => e)) as UnsupportedFeatureError;
    expect(error).toBeInstanceOf(UnsupportedFeatureError);
    expect(error.feature).toContain('mediaUrls');
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    const result = await provider().send(message, ctx({ ignoreUnsupportedFeatures: true }));
    expect(result.ignoredFeatures).toEqual(['mediaUrls (MMS)']);
    expect(published().Message).toBe('look');
  });

  it('refuses unknown providerOptions', async () => {
    await expect(
      provider().send(sms({ to: '+14155552671', body: 'x', providerOptions: { PhoneNumber: '+15555550100' } }), ctx()),
    ).rejects.toThrow(/providerOptions.PhoneNumber/);
  });

  it('fails permanently on a sender ID SNS would refuse (3-11 with a letter)', async () => {
    // The contract refuses such a sender ID too; the adapter checks again for callers that bypass it.
    const error = (await provider()
      .send({ ...sms({ to: '+14155552671', body: 'x' }), from: '12' }, ctx())
      .catch((e: unknown) => e)) as PermanentProviderError;
    expect(error).toBeInstanceOf(PermanentProviderError);
    expect(error.code).toBe('invalid_sender_id');
  });

  it('validates its defaults at construction', () => {
    expect(() => provider({ defaultSenderId: 'has space', defaultOriginationNumber: 'abc' })).toThrow(ConfigError);
  });

  it('formats prices as plain decimals', () => {
    expect(formatPrice(0.0000001)).toBe('0.0000001');
    expect(formatPrice(0.5)).toBe('0.5');
    expect(formatPrice(12)).toBe('12');
  });
});

describe('SnsSmsProvider error mapping', () => {
  const message = sms({ to: '+14155552671', body: 'hi' });
  const meta = (httpStatusCode: number) => ({ $metadata: { httpStatusCode } });
  const cases: { name: string; error: () => Error; retryable: boolean; code: string; status?: string }[] = [
    {
      name: 'ThrottledException',
      error: () => new ThrottledException({ message: 'Rate exceeded', ...meta(429) }),
      retryable: true,
      code: 'throttled',
    },
    {
      name: 'Throttling (wire code)',
      error: () => new SNSServiceException({ name: 'Throttling', $fault: 'client', message: 'Rate exceeded', ...meta(400) }),
      retryable: true,
      code: 'throttled',
    },
    {
      name: 'InternalErrorException',
      error: () => new InternalErrorException({ message: 'internal', ...meta(500) }),
      retryable: true,
      code: 'provider_error',
    },
    {
      name: 'InvalidParameter for the phone number',
      error: () =>
        new InvalidParameterException({
          message: 'Invalid parameter: PhoneNumber Reason: +14155552671 is not valid to publish to',
          ...meta(400),
        }),
      retryable: false,
      code: 'invalid_number',
      status: 'invalid',
    },
    {
      name: 'InvalidParameter for an opted-out number',
      error: () =>
        new InvalidParameterException({ message: 'Invalid parameter: PhoneNumber Reason: +14155552671 is opted out', ...meta(400) }),
      retryable: false,
      code: 'opted_out',
      status: 'rejected',
    },
    {
      name: 'OptedOutException',
      error: () => new OptedOutException({ message: 'Phone number is opted out', ...meta(400) }),
      retryable: false,
      code: 'opted_out',
      status: 'rejected',
    },
    {
      name: 'InvalidParameter otherwise',
      error: () => new InvalidParameterException({ message: 'Invalid parameter: MessageAttributes', ...meta(400) }),
      retryable: false,
      code: 'invalid_parameter',
    },
    {
      name: 'AuthorizationErrorException',
      error: () => new AuthorizationErrorException({ message: 'not authorized', ...meta(403) }),
      retryable: false,
      code: 'not_authorized',
    },
    {
      name: 'ECONNRESET',
      error: () => Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
      retryable: true,
      code: 'network',
    },
  ];

  it.each(cases)('$name → retryable=$retryable, code=$code', async ({ error, retryable, code, status }) => {
    sns.on(PublishCommand).rejects(error());
    const thrown = (await provider()
      .send(message, ctx())
      .catch((e: unknown) => e)) as ProviderError;
    expect(thrown).toBeInstanceOf(retryable ? TransientProviderError : PermanentProviderError);
    expect(thrown.code).toBe(code);
    expect(thrown.provider).toBe('sns');
    if (status) expect(thrown.recipients?.['+14155552671']?.status).toBe(status);
  });

  it('checks the opt-out list first when asked, and does not publish to an opted-out number', async () => {
    sns.on(CheckIfPhoneNumberIsOptedOutCommand).resolves({ isOptedOut: true });
    const thrown = (await provider({ checkOptOut: true })
      .send(message, ctx())
      .catch((e: unknown) => e)) as PermanentProviderError;
    expect(thrown).toBeInstanceOf(PermanentProviderError);
    expect(thrown.code).toBe('opted_out');
    expect(thrown.recipients?.['+14155552671']?.status).toBe('rejected');
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    sns.on(CheckIfPhoneNumberIsOptedOutCommand).resolves({ isOptedOut: false });
    await provider({ checkOptOut: true }).send(message, ctx());
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
  });
});
