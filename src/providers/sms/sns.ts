/**
 * Amazon SNS SMS adapter: Publish straight to a phone number
 * (https://docs.aws.amazon.com/sns/latest/dg/sms_publish-to-phone.html) with the message
 * attributes SNS reads for SMS:
 *   AWS.SNS.SMS.SMSType            Transactional | Promotional
 *   AWS.SNS.SMS.SenderID           alphanumeric sender ID (3-11, one letter at least)
 *   AWS.MM.SMS.OriginationNumber   one of the account's numbers
 *   AWS.SNS.SMS.MaxPrice           USD, DataType Number
 *   AWS.MM.SMS.EntityId / AWS.MM.SMS.TemplateId   India (TRAI) registration, via providerOptions
 * SNS has no MMS: mediaUrls are unsupported. An accepted Publish is `queued`: delivery is
 * only known from the SMS delivery-status logs (the tracking pipeline).
 */
import {
  CheckIfPhoneNumberIsOptedOutCommand,
  type MessageAttributeValue,
  PublishCommand,
  type PublishCommandInput,
  type PublishCommandOutput,
  type SNSClient,
} from '@aws-sdk/client-sns';
import * as z from 'zod';
import type { SmsMessage } from '../../contract/message.js';
import { ConfigError } from '../../errors.js';
import type { ErrorRules } from '../aws-errors.js';
import { type BaseProviderOptions, BaseSmsProvider, type CallOutcome } from '../base.js';
import { PermanentProviderError } from '../errors.js';
import type { FeatureUse } from '../features.js';
import { providerNameProblem } from '../names.js';
import { providerOptionUses } from '../provider-options.js';
import type { SendContext, SendResult, SmsCapabilities } from '../types.js';
import { formatPrice } from './price.js';
import { withSegments } from './segments.js';
import { checkSenderId, resolveSender, type SmsSenderDefaults, validateSenderDefaults } from './sender.js';
import { snsErrorRule } from './sns-errors.js';

// Moved to shared modules for every SMS adapter; re-exported for existing importers.
export { providerOptionUses } from '../provider-options.js';
export { formatPrice } from './price.js';
export { withSegments } from './segments.js';

export interface SnsSmsProviderOptions extends BaseProviderOptions, SmsSenderDefaults {
  /** Default `sns`. */
  readonly name?: string;
  /**
   * Ask CheckIfPhoneNumberIsOptedOut before each Publish and fail opted-out numbers at once
   * (`rejected`, code `opted_out`) instead of learning it from the delivery log. One more
   * API call per SMS, and that API has a low request rate; off by default.
   */
  readonly checkOptOut?: boolean;
}

export interface SnsRequest {
  readonly to: string;
  readonly input: PublishCommandInput;
}

/** SMS attribute names, exactly as SNS reads them. */
export const SNS_ATTRIBUTES = {
  smsType: 'AWS.SNS.SMS.SMSType',
  senderId: 'AWS.SNS.SMS.SenderID',
  originationNumber: 'AWS.MM.SMS.OriginationNumber',
  maxPrice: 'AWS.SNS.SMS.MaxPrice',
  entityId: 'AWS.MM.SMS.EntityId',
  templateId: 'AWS.MM.SMS.TemplateId',
} as const;

const snsProviderOptionShapes: Record<string, z.ZodType<string>> = {
  entityId: z.string().min(1).max(50),
  templateId: z.string().min(1).max(50),
};

const str = (value: string): MessageAttributeValue => ({ DataType: 'String', StringValue: value });

export function buildPublishInput(message: SmsMessage, defaults: SmsSenderDefaults, provider: string): PublishCommandInput {
  const sender = resolveSender(message, defaults);
  checkSenderId(sender, provider);
  const attributes: Record<string, MessageAttributeValue> = {
    [SNS_ATTRIBUTES.smsType]: str(message.smsType === 'promotional' ? 'Promotional' : 'Transactional'),
  };
  if (sender.senderId !== undefined) attributes[SNS_ATTRIBUTES.senderId] = str(sender.senderId);
  if (sender.originationNumber !== undefined) attributes[SNS_ATTRIBUTES.originationNumber] = str(sender.originationNumber);
  if (message.maxPrice !== undefined)
    attributes[SNS_ATTRIBUTES.maxPrice] = { DataType: 'Number', StringValue: formatPrice(message.maxPrice) };
  for (const key of ['entityId', 'templateId'] as const) {
    const value = message.providerOptions?.[key];
    if (typeof value === 'string') attributes[SNS_ATTRIBUTES[key]] = str(value);
  }
  return { PhoneNumber: message.to, Message: message.body, MessageAttributes: attributes };
}

export class SnsSmsProvider extends BaseSmsProvider<SnsRequest, PublishCommandOutput> {
  static readonly capabilities: SmsCapabilities = {
    senderId: true,
    originationNumber: true,
    maxPrice: true,
    mms: false,
    promotional: true,
    sendAt: false,
  };

  readonly name: string;
  readonly capabilities: SmsCapabilities = SnsSmsProvider.capabilities;
  protected override readonly errorRules: ErrorRules = snsErrorRule;
  private readonly defaults: SmsSenderDefaults;
  private readonly checkOptOut: boolean;

  constructor(
    private readonly client: SNSClient,
    opts: SnsSmsProviderOptions = {},
  ) {
    super(opts);
    validateSenderDefaults(opts);
    const nameProblem = providerNameProblem(opts.name);
    if (nameProblem) throw new ConfigError([nameProblem]);
    this.name = opts.name ?? 'sns';
    this.defaults = { defaultSenderId: opts.defaultSenderId, defaultOriginationNumber: opts.defaultOriginationNumber };
    this.checkOptOut = opts.checkOptOut ?? false;
  }

  protected override extraFeatureUses(m: SmsMessage, _ctx: SendContext): FeatureUse<SmsMessage>[] {
    return providerOptionUses(m, snsProviderOptionShapes);
  }

  protected async buildPayload(m: SmsMessage): Promise<readonly SnsRequest[]> {
    return [{ to: m.to, input: buildPublishInput(m, this.defaults, this.name) }];
  }

  protected async call(request: SnsRequest): Promise<PublishCommandOutput> {
    if (this.checkOptOut) {
      const check = await this.client.send(new CheckIfPhoneNumberIsOptedOutCommand({ phoneNumber: request.to }));
      if (check.isOptedOut)
        throw new PermanentProviderError(`${this.name}: ${request.to} has opted out of SMS from this account`, {
          provider: this.name,
          code: 'opted_out',
        });
    }
    return this.client.send(new PublishCommand(request.input));
  }

  protected recipientsOf(request: SnsRequest): readonly string[] {
    return [request.to];
  }

  protected parseStatus(request: SnsRequest, response: PublishCommandOutput): CallOutcome {
    const id = response.MessageId;
    return {
      recipients: {
        [request.to]: id
          ? { status: 'queued', providerMessageId: id }
          : { status: 'unknown', detail: 'SNS accepted the request but returned no MessageId' },
      },
      providerMessageId: id,
    };
  }

  protected override finish(result: SendResult, message: SmsMessage): SendResult {
    return withSegments(result, message);
  }
}

export { snsProviderOptionShapes };
