/**
 * `email` and `sms`: per channel, the default provider instance, fallback order and routes
 * (docs/contract.md §7), the send rate and concurrency, and the send policy (issue 8).
 */
import { isSupportedCountry } from 'libphonenumber-js';
import * as z from 'zod';
import { DOMAIN } from '../../contract/config-fields.js';
import { originationNumber, senderId } from '../../contract/sender-fields.js';
import { SENDER_ID_RULE } from '../../contract/sms.js';
import { allowedFrom, countryCode, destinationRateLimit, instanceName, sendRate, smsMaxPrice } from './channel-fields.js';

export { instanceName } from './channel-fields.js';

// The syntax check reports malformed codes; this one only well-formed codes libphonenumber-js does not know.
const country = countryCode.refine(
  (c) => !/^[A-Z]{2}$/.test(c) || isSupportedCountry(c as never),
  'an ISO 3166-1 alpha-2 region code libphonenumber-js knows (GB, US, ...)',
);

function channel(provider: string, maxSendRate: number) {
  return {
    provider: instanceName.default(provider).meta({
      shape: 'instance name',
      description: `provider instance a message goes to when it names none and no route matches (\`${provider}\` is built in; others are entries of \`providers\`)`,
    }),
    fallback: z.array(instanceName).default([]).meta({
      shape: 'instance names',
      description: 'instances tried in order when the chosen one surely did not accept a message (docs/contract.md §7)',
    }),
    maxSendRate: sendRate.default(maxSendRate).meta({
      description: `account-wide messages per second (${provider === 'ses' ? 'your SES maximum send rate' : 'the SNS SMS rate'}), shared out among the send Lambdas`,
    }),
    // The SQS event source accepts 2-1000 (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html).
    maxConcurrency: z
      .number()
      .int()
      .min(2)
      .max(1000)
      .default(2)
      .meta({ description: 'SQS event source maximum concurrency (send Lambdas at once)' }),
    batchSize: z.number().int().min(1).max(10).default(10).meta({ description: 'messages per invocation' }),
  };
}

export const emailRoute = z
  .strictObject({
    tags: z.array(z.string().min(1)).min(1).optional(),
    domains: z.array(z.string().regex(DOMAIN, 'a lower-case recipient domain')).min(1).optional(),
    provider: instanceName,
  })
  .refine((r) => r.tags !== undefined || r.domains !== undefined, 'a route needs `tags` or `domains`');

export const smsRoute = z.strictObject({ countries: z.array(country).min(1), provider: instanceName });

export const emailSection = z
  .strictObject({
    ...channel('ses', 14),
    routes: z.array(emailRoute).default([]).meta({
      description: 'first match wins: `{tags: [...]}` (any tag) or `{domains: [...]}` (recipient domain), each with `provider`',
      shape: '`{tags? , domains?, provider}`[]',
    }),
    allowedFrom: allowedFrom.meta({
      description:
        'From addresses producers may use: refused otherwise in the send path (`from_not_allowed`) and by an `ses:FromAddress` condition on the email role. Empty: any address of `ses.identities` (the synth warns)',
      shape: 'addresses or IAM `StringLike` patterns (`*@notify.acme.io`)',
    }),
  })
  .prefault({});

export const smsSection = z
  .strictObject({
    ...channel('sns', 20),
    routes: z
      .array(smsRoute)
      .default([])
      .meta({ description: 'first match wins: SMS to one of `countries` go to `provider`', shape: '`{countries, provider}`[]' }),
    allowedCountries: z.array(country).default([]).meta({
      description:
        'destination countries (libphonenumber-js regions); others are refused, `country_not_allowed`. Empty: every country (the synth warns)',
      shape: 'ISO 3166-1 alpha-2 codes',
    }),
    maxPrice: smsMaxPrice,
    destinationRateLimit,
    spendAlarmUsd: z
      .number()
      .positive()
      .nullable()
      .default(100)
      .meta({ description: 'alarm on `AWS/SNS SMSMonthToDateSpentUSD` at this amount (USD); `null`: none' }),
    senderId: senderId.optional().meta({ description: `default sender ID of the built-in \`sns\` instance: ${SENDER_ID_RULE}` }),
    originationNumber: originationNumber
      .optional()
      .meta({ description: 'default origination number of the built-in `sns` instance (E.164 syntax)' }),
    deliveryStatus: z
      .strictObject({
        enabled: z.boolean().default(true).meta({ description: 'SMS-status Lambda subscribed to the SNS SMS delivery-status log groups' }),
        createLogGroups: z.boolean().default(true).meta({
          description: 'create `sns/<region>/<account>/DirectPublishToPhoneNumber` and `…/Failure`; `false` references existing ones',
        }),
        setAccountAttributes: z.boolean().default(false).meta({
          description:
            'opt-in custom resource that sets the account SMS attributes `DeliveryStatusIAMRole` and `DeliveryStatusSuccessSamplingRate`',
        }),
        successSamplingRate: z.number().int().min(0).max(100).default(100).meta({ description: '% of successful SMS that SNS logs' }),
      })
      .prefault({}),
  })
  .prefault({});
