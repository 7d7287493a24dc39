/**
 * The `local` email adapter: the SES adapter, unchanged, pointed at aws-ses-v2-local (the
 * local pipeline passes `localClients(endpoints).sesv2`). Same payloads, same error mapping,
 * same capability checks, so a message that would fail against SES fails locally too.
 *
 * What aws-ses-v2-local does not do, and what that means here:
 * - Configuration sets and EmailTags are accepted and ignored: no events are published and
 *   tags are not kept in its store. The local tracking pipeline must join what it finds in
 *   GET /store to our messages by the returned MessageId (our providerMessageId), not by tag.
 * - FeedbackForwardingEmailAddress (our envelopeSender) is accepted and ignored.
 * - Raw messages are stored as parsed from the MIME: custom headers are not kept, and Bcc
 *   recipients (which never appear in the MIME) are not listed. Simple and template sends
 *   keep headers, attachments and every Destination list – most messages go Simple.
 * - SendBulkEmail ignores Template.Attachments: merge sends with attachments arrive without them.
 * - Nothing is ever throttled, rejected or unverified; stored templates must be created on
 *   the local server first (CreateEmailTemplate), as in SES.
 */
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { SesEmailProvider, type SesEmailProviderOptions } from './ses.js';

export class LocalEmailProvider extends SesEmailProvider {
  constructor(client: SESv2Client, opts: SesEmailProviderOptions = {}) {
    super(client, { ...opts, name: opts.name ?? 'local' });
  }
}
