/**
 * Kind `sns`: SMS through Amazon SNS Publish to a phone number, with the function's role (no
 * secret). Publishing to a phone number has no resource ARN, so the grant is on "*"; that "*"
 * would also cover every topic, so publishing to topics is denied: the role can send SMS only.
 */
import { SNSClient } from '@aws-sdk/client-sns';
import { SnsSmsProvider } from '../../sms/sns.js';
import type { SmsKind } from '../types.js';
import { snsConfig } from './config.js';

const SMS_PUBLISH_REASON =
  'sns:Publish to a phone number (PhoneNumber parameter) has no resource ARN, so IAM needs Resource "*" (https://docs.aws.amazon.com/sns/latest/dg/sms_publish-to-phone.html).';

export const sns = {
  kind: 'sns',
  channel: 'sms',
  config: snsConfig,
  async createAdapter(instance, ctx) {
    const { senderId, originationNumber } = snsConfig.parse(instance.options);
    return new SnsSmsProvider(new SNSClient({ ...ctx.aws }), {
      name: instance.name,
      ...(senderId ? { defaultSenderId: senderId } : {}),
      ...(originationNumber ? { defaultOriginationNumber: originationNumber } : {}),
    });
  },
  grants: (_instance, ctx) => [
    { sid: 'PublishSmsToPhoneNumbers', actions: ['sns:Publish'], resources: ['*'], starReason: SMS_PUBLISH_REASON },
    { sid: 'NeverPublishToTopics', effect: 'Deny', actions: ['sns:Publish'], resources: [`arn:${ctx.partition}:sns:*:*:*`] },
  ],
  docs: 'docs/providers/sns.md',
} satisfies SmsKind;
