/**
 * The loop the tracking pipeline closes, end to end on the local servers: the real send
 * handler sends through the local SES; SES's permanent bounce for it arrives as a signed SNS
 * record at the real tracking handler; the address is suppressed; the next message to it is
 * cancelled by the send pipeline without reaching SES.
 */
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validatorFor } from '../../../src/contract/validate.js';
import { createSendHandler } from '../../../src/handlers/send.js';
import { createTrackingHandler } from '../../../src/handlers/tracking.js';
import type { TrackingMetrics } from '../../../src/handlers/tracking-metrics.js';
import { LocalEmailProvider } from '../../../src/providers/email/local.js';
import { encodeTagValue, MESSAGE_ID_TAG } from '../../../src/providers/email/ses-tags.js';
import { createSendProcessor } from '../../../src/send/process.js';
import { SqsSendQueue } from '../../../src/send/queue.js';
import { RateLimiters } from '../../../src/send/rate-limit.js';
import { MessageStore } from '../../../src/store/messages.js';
import { SuppressionStore } from '../../../src/store/suppressions.js';
import { SnsVerifier } from '../../../src/tracking/sns/index.js';
import { createIngestDeps } from '../../../src/tracking/wiring.js';
import { type LocalEnv, localEnv } from '../../support/local.js';
import { providerLookup, RecordingLogger, RecordingMetrics } from '../../support/send-doubles.js';
import { recordingLogger } from '../../support/sns/deps.js';
import { lambdaRecord, NOW, notification, TOPIC } from '../../support/sns/envelopes.js';
import { issueCertificate } from '../../support/sns/pki.js';
import { deliverOnce } from '../../support/sqs-event.js';
import { fixture } from '../../support/tracking-fixtures.js';

const ADDRESS = 'gone@example.com';
let env: LocalEnv;

beforeAll(async () => {
  env = await localEnv();
});
afterAll(() => env.clients.destroy());

describe('bounce → suppression → next send cancelled', () => {
  it('a permanent bounce for a sent message cancels the next message to that address', async () => {
    // Prepare: the send pipeline (local SES) and the tracking handler (signed SNS records).
    const { doc, sqs, sesv2 } = env.clients;
    const { tables, queues } = env.resources;
    const messages = new MessageStore(doc, tables.messages);
    const suppressions = new SuppressionStore(doc, tables.suppressions);
    const send = createSendHandler({
      logger: new RecordingLogger(),
      processor: createSendProcessor({
        validate: validatorFor('email'),
        config: {
          channel: 'email',
          defaultProvider: 'local',
          maxReceiveCount: 3,
          backoff: { baseSeconds: 1, maxSeconds: 1 },
          ignoreUnsupportedFeatures: false,
        },
        messages,
        suppressions,
        providers: providerLookup({ email: [new LocalEmailProvider(sesv2)] }),
        queue: new SqsSendQueue(sqs, { queueUrl: queues.email.url, dlqUrl: queues.email.dlqUrl }),
        limiters: new RateLimiters({ ratePerSecond: 50 }),
        logger: new RecordingLogger(),
        metrics: new RecordingMetrics(),
      }),
    });
    const cert = issueCertificate();
    const logger = recordingLogger();
    const single = { addDimension: () => single, addMetric: () => undefined };
    const metrics = {
      addMetric: () => undefined,
      singleMetric: () => single,
      publishStoredMetrics: () => undefined,
    } as unknown as TrackingMetrics;
    const tracking = createTrackingHandler({
      sns: {
        verifier: new SnsVerifier({ allowedTopicArns: [TOPIC], fetchCertificate: async () => cert.pem, now: () => NOW }),
        logger,
        metrics,
        snsClientForRegion: () => env.clients.sns,
      },
      ingest: createIngestDeps({ doc, tables }),
      logger,
      metrics,
    });
    const enqueue = (id: string) =>
      sqs.send(
        new SendMessageCommand({
          QueueUrl: queues.email.url,
          MessageBody: JSON.stringify({ channel: 'email', id, from: 'shop@example.com', to: [ADDRESS], subject: 'Hello', text: 'Hi' }),
        }),
      );
    const drain = async () => {
      while (await deliverOnce(send, sqs, { url: queues.email.url, arn: queues.email.arn }, { waitSeconds: 2 }));
    };

    // Act 1: the first message is sent through the local SES.
    await enqueue('first');
    await drain();
    const first = await messages.get('first');
    expect(first).toMatchObject({ status: 'sent' });

    // Act 2: SES reports a permanent bounce for it, through SNS.
    const bounce = fixture('ses', 'event-bounce-permanent-noemail');
    bounce['mail']['messageId'] = first!.providerMessageId;
    bounce['mail']['destination'] = [ADDRESS];
    bounce['mail']['tags'][MESSAGE_ID_TAG] = [encodeTagValue('first')];
    bounce['bounce']['bouncedRecipients'][0].emailAddress = ADDRESS;
    await tracking({ Records: [lambdaRecord(notification(cert.privateKey, { Message: JSON.stringify(bounce) }))] });

    // Assess: suppressed, with the bounce as the source; the first message's recipient bounced.
    const suppression = await suppressions.get(ADDRESS);
    expect(suppression).toMatchObject({ reason: 'hardBounce', sourceEventIds: [expect.stringMatching(/^[0-9a-f]{32}$/)] });
    expect((await messages.get('first'))?.recipients[ADDRESS]).toMatchObject({ status: 'bounced', lastEventType: 'bounced' });

    // Act 3 / Assess: the next message to the address is cancelled, never sent.
    await enqueue('second');
    await drain();
    const second = await messages.get('second');
    expect(second).toMatchObject({ status: 'cancelled', recipients: { [ADDRESS]: { status: 'suppressed' } } });
    expect(second?.providerMessageId).toBeUndefined();
  });
});
