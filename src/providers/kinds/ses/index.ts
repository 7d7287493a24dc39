/**
 * Kind `ses`: Amazon SES v2 through the function's role (no secret). Grants: sending only as
 * the configured identities, through the instance's configuration set and the allowed
 * templates, with the From addresses of `email.allowedFrom` as an IAM condition.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { s3AttachmentFetcher } from '../../email/attachments.js';
import { SesEmailProvider } from '../../email/ses.js';
import type { EmailKind, GrantStatement } from '../types.js';
import { sesConfig } from './config.js';

export const ses = {
  kind: 'ses',
  channel: 'email',
  config: sesConfig,
  async createAdapter(instance, ctx) {
    const { configurationSet } = sesConfig.parse(instance.options);
    // The stack's configuration set publishes Open and Click events, and SES tracks opens and
    // clicks for every message sent through a set that does: trackOpens/trackClicks true are
    // what happens anyway; false cannot be honoured per message and is refused as unsupported.
    const tracking = configurationSet ? { configurationSet, tracking: { opens: true, clicks: true } } : {};
    const fetchAttachment = s3AttachmentFetcher(new S3Client({ ...ctx.aws }), ctx.attachmentBucketOwners ?? {});
    return new SesEmailProvider(new SESv2Client({ ...ctx.aws }), { name: instance.name, ...tracking, fetchAttachment });
  },
  grants(instance, ctx) {
    const { configurationSet } = sesConfig.parse(instance.options);
    const { identities, templates } = ctx.ses;
    const allowedFrom = ctx.email.allowedFrom;
    const statement: GrantStatement = {
      sid: `SendAsConfiguredIdentities${instance.name === 'ses' ? '' : instance.name.replace(/[^A-Za-z0-9]/g, '')}`,
      actions: ['ses:SendEmail', 'ses:SendRawEmail', 'ses:SendBulkEmail'],
      resources: [
        ...identities.map((identity) => ctx.arn('ses', 'identity', identity)),
        ...(configurationSet ? [ctx.arn('ses', 'configuration-set', configurationSet)] : []),
        ...templates.map((template) => ctx.arn('ses', 'template', template)),
      ],
      // The same patterns the send policy applies (src/send/policy/email.ts), enforced again by IAM.
      ...(allowedFrom.length ? { conditions: { StringLike: { 'ses:FromAddress': allowedFrom } } } : {}),
      ...(templates.includes('*')
        ? {
            acknowledge: [
              {
                finding: 'Resource::arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:template/*',
                reason:
                  'Messages name their stored SES template; any template of this account and region may be used. Restrict with config ses.templates.',
              },
            ],
          }
        : {}),
    };
    return [statement];
  },
  docs: 'docs/providers/ses.md',
} satisfies EmailKind;
