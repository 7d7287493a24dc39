/**
 * Every SES failure mode no local server can produce, through aws-sdk-client-mock: the SDK
 * error classes SES v2 models, a bare ThrottlingException (a common error SES v2 does not
 * model), a 5xx without a modelled type, and Node.js network/timeout failures.
 * Mapping source: https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_SendEmail.html#API_SendEmail_Errors
 */
import {
  AccountSuspendedException,
  BadRequestException,
  InternalServiceErrorException,
  LimitExceededException,
  MailFromDomainNotVerifiedException,
  MessageRejected,
  NotFoundException,
  SESv2Client,
  SESv2ServiceException,
  SendEmailCommand,
  SendingPausedException,
  TooManyRequestsException,
} from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SesEmailProvider } from '../../../src/providers/email/ses.js';
import { PermanentProviderError, ProviderError, TransientProviderError } from '../../../src/providers/errors.js';
import { ctx, email } from './support.js';

const ses = mockClient(SESv2Client);
const provider = new SesEmailProvider(new SESv2Client({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }));
const message = email({ to: ['a@example.com', 'b@example.com'], subject: 's', text: 't' });
const meta = (httpStatusCode: number) => ({ $metadata: { httpStatusCode } });

beforeEach(() => ses.reset());

async function failWith(error: Error): Promise<ProviderError> {
  ses.on(SendEmailCommand).rejects(error);
  const thrown = await provider.send(message, ctx()).catch((e: unknown) => e);
  expect(thrown).toBeInstanceOf(ProviderError);
  return thrown as ProviderError;
}

const cases: { name: string; error: () => Error; retryable: boolean; code: string; status?: string }[] = [
  {
    name: 'TooManyRequestsException (maximum sending rate exceeded)',
    error: () => new TooManyRequestsException({ message: 'Maximum sending rate exceeded.', ...meta(429) }),
    retryable: true,
    code: 'throttled',
  },
  {
    name: 'ThrottlingException (common error, daily quota)',
    error: () =>
      new SESv2ServiceException({ name: 'ThrottlingException', $fault: 'client', message: 'Daily message quota exceeded.', ...meta(400) }),
    retryable: true,
    code: 'throttled',
  },
  {
    name: 'LimitExceededException',
    error: () => new LimitExceededException({ message: 'limit exceeded', ...meta(400) }),
    retryable: true,
    code: 'limit_exceeded',
  },
  {
    name: 'InternalServiceErrorException (500)',
    error: () => new InternalServiceErrorException({ message: 'internal', ...meta(500) }),
    retryable: true,
    code: 'provider_error',
  },
  {
    name: 'an unmodelled 503',
    error: () => new SESv2ServiceException({ name: 'ServiceUnavailable', $fault: 'server', message: 'Service Unavailable', ...meta(503) }),
    retryable: true,
    code: 'provider_error',
  },
  {
    name: 'SendingPausedException (reversible)',
    error: () => new SendingPausedException({ message: 'Sending paused for this account.', ...meta(400) }),
    retryable: true,
    code: 'sending_paused',
  },
  {
    name: 'MessageRejected',
    error: () => new MessageRejected({ message: 'Attachment has unsupported file extension.', ...meta(400) }),
    retryable: false,
    code: 'message_rejected',
    status: 'rejected',
  },
  {
    name: 'MessageRejected for an unverified identity',
    error: () =>
      new MessageRejected({
        message: 'Email address is not verified. The following identities failed the check in region US-EAST-1: sender@example.com',
        ...meta(400),
      }),
    retryable: false,
    code: 'identity_not_verified',
    status: 'failed',
  },
  {
    name: 'MailFromDomainNotVerifiedException',
    error: () => new MailFromDomainNotVerifiedException({ message: 'MAIL FROM domain not verified', ...meta(400) }),
    retryable: false,
    code: 'mail_from_domain_not_verified',
  },
  {
    name: 'AccountSuspendedException',
    error: () => new AccountSuspendedException({ message: 'Account suspended', ...meta(400) }),
    retryable: false,
    code: 'account_suspended',
  },
  {
    name: 'NotFoundException for a configuration set',
    error: () => new NotFoundException({ message: 'Configuration set <mailroom> does not exist.', ...meta(404) }),
    retryable: false,
    code: 'configuration_set_not_found',
  },
  {
    name: 'NotFoundException for a template',
    error: () => new NotFoundException({ message: 'Template welcome does not exist.', ...meta(404) }),
    retryable: false,
    code: 'template_not_found',
  },
  {
    name: 'BadRequestException for an address',
    error: () => new BadRequestException({ message: 'Illegal address', ...meta(400) }),
    retryable: false,
    code: 'invalid_address',
    status: 'invalid',
  },
  {
    name: 'BadRequestException otherwise',
    error: () => new BadRequestException({ message: 'Missing required parameter', ...meta(400) }),
    retryable: false,
    code: 'bad_request',
  },
  {
    name: 'AccessDeniedException (IAM)',
    error: () =>
      new SESv2ServiceException({
        name: 'AccessDeniedException',
        $fault: 'client',
        message: 'not authorized to perform ses:SendEmail',
        ...meta(403),
      }),
    retryable: false,
    code: 'access_denied',
  },
  { name: 'ECONNRESET', error: () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), retryable: true, code: 'network' },
  {
    name: 'ETIMEDOUT inside a cause',
    error: () => new Error('request failed', { cause: Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT' }) }),
    retryable: true,
    code: 'timeout',
  },
  {
    name: 'SDK TimeoutError',
    error: () => Object.assign(new Error('Connection timed out after 5000 ms'), { name: 'TimeoutError' }),
    retryable: true,
    code: 'timeout',
  },
];

describe('SES error mapping', () => {
  it.each(cases)('$name → retryable=$retryable, code=$code', async ({ error, retryable, code, status }) => {
    // Act
    const translated = await failWith(error());
    // Assess
    expect(translated).toBeInstanceOf(retryable ? TransientProviderError : PermanentProviderError);
    expect(translated.retryable).toBe(retryable);
    expect(translated.code).toBe(code);
    expect(translated.provider).toBe('ses');
    expect(translated.cause).toBeDefined();
    if (!retryable) {
      // A permanent failure of the only call settles every recipient with the reason.
      expect(translated.recipients?.['a@example.com']?.status).toBe(status ?? 'failed');
      expect(translated.recipients?.['b@example.com']?.code).toBe(code);
    }
  });

  it('keeps the HTTP status code on the translated error', async () => {
    const translated = await failWith(new TooManyRequestsException({ message: 'Maximum sending rate exceeded.', ...meta(429) }));
    expect(translated.statusCode).toBe(429);
    expect(translated.message).toContain('Maximum sending rate exceeded');
  });
});
