import { describe, expect, it } from 'vitest';
import { encodeTagValue, MESSAGE_ID_TAG } from '../../../src/providers/email/ses-tags.js';
import { normalizeSesEvent, SES_TOPIC_VALIDATED } from '../../../src/tracking/normalizers/ses.js';
import { fixture, fixtureNames, type Json, RECEIVED_AT, sesCtx } from '../../support/tracking-fixtures.js';

const SES_ID = 'EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000';
const normalize = (raw: unknown) => normalizeSesEvent(raw, sesCtx);
const only = (raw: unknown) => {
  const events = normalize(raw);
  expect(events).toHaveLength(1);
  return events[0]!;
};

describe('SES event publishing → normalized events', () => {
  it('Send → sent for every destination, at the mail timestamp', () => {
    const e = only(fixture('ses', 'event-send'));
    expect(e).toMatchObject({
      eventType: 'sent',
      provider: 'ses',
      channel: 'email',
      providerMessageId: SES_ID,
      recipient: 'recipient@example.com',
      timestamp: '2016-10-14T05:02:16.645Z',
      receivedAt: RECEIVED_AT,
    });
    expect(e.rejectReason).toBeUndefined();
  });

  it('Reject → rejected/blocked with the reason', () => {
    const e = only(fixture('ses', 'event-reject'));
    expect(e).toMatchObject({
      eventType: 'rejected',
      rejectReason: 'blocked',
      description: 'Bad content',
      recipient: 'sender@example.com',
    });
  });

  it('Bounce (Permanent/General) → bounced/bounced, permanent, subtype and DSN status in description, diagnostic code as mtaResponse, bounce time', () => {
    const e = only(fixture('ses', 'event-bounce-permanent-general'));
    expect(e).toMatchObject({
      eventType: 'bounced',
      rejectReason: 'bounced',
      bounceType: 'permanent',
      description: 'General (5.1.1)',
      mtaResponse: 'smtp; 550 5.1.1 user unknown',
      timestamp: '2017-08-05T00:41:02.669Z',
      recipient: 'recipient@example.com',
    });
  });

  it.each([
    ['event-bounce-permanent-noemail', 'permanent', 'NoEmail'],
    ['event-bounce-permanent-suppressed', 'permanent', 'Suppressed'],
    ['event-bounce-permanent-onaccountsuppressionlist', 'permanent', 'OnAccountSuppressionList'],
    ['event-bounce-transient-general', 'transient', 'General'],
    ['event-bounce-transient-mailboxfull', 'transient', 'MailboxFull'],
    ['event-bounce-transient-messagetoolarge', 'transient', 'MessageTooLarge'],
    ['event-bounce-transient-contentrejected', 'transient', 'ContentRejected'],
    ['event-bounce-transient-attachmentrejected', 'transient', 'AttachmentRejected'],
  ])('Bounce subtype %s → bounceType %s, description starts with %s', (name, bounceType, subtype) => {
    const e = only(fixture('ses', name));
    expect(e.eventType).toBe('bounced');
    expect(e.bounceType).toBe(bounceType);
    expect(e.description?.startsWith(subtype)).toBe(true);
    expect(e.mtaResponse).toMatch(/^smtp; |^Amazon SES/);
  });

  it('Bounce (Undetermined, no DSN) → undetermined, no mtaResponse', () => {
    const e = only(fixture('ses', 'event-bounce-undetermined'));
    expect(e).toMatchObject({ eventType: 'bounced', bounceType: 'undetermined', description: 'Undetermined' });
    expect(e.mtaResponse).toBeUndefined();
  });

  it('Complaint → complained/spam with the feedback type and the feedback loop user agent', () => {
    const e = only(fixture('ses', 'event-complaint-abuse'));
    expect(e).toMatchObject({
      eventType: 'complained',
      rejectReason: 'spam',
      description: 'abuse',
      userAgent: expect.stringContaining('Chrome/60'),
      timestamp: '2017-08-05T00:41:02.669Z',
    });
  });

  it.each(['auth-failure', 'fraud', 'other', 'virus'])('Complaint feedback type %s is kept and counts as spam', (type) => {
    const e = only(fixture('ses', `event-complaint-${type}`));
    expect(e).toMatchObject({ eventType: 'complained', rejectReason: 'spam', description: type });
  });

  it('Complaint with feedback type not-spam is a complaint event but not spam (no rejectReason)', () => {
    const e = only(fixture('ses', 'event-complaint-not-spam'));
    expect(e.eventType).toBe('complained');
    expect(e.description).toBe('not-spam');
    expect(e.rejectReason).toBeUndefined();
  });

  it('Complaint without a feedback report, subtype OnAccountSuppressionList → complained with the subtype', () => {
    const e = only(fixture('ses', 'event-complaint-onaccountsuppressionlist'));
    expect(e).toMatchObject({ eventType: 'complained', rejectReason: 'spam', description: 'OnAccountSuppressionList' });
    expect(e.userAgent).toBeUndefined();
  });

  it('Delivery → delivered with the SMTP response, at the delivery time; custom SES tags become metadata', () => {
    const e = only(fixture('ses', 'event-delivery'));
    expect(e).toMatchObject({
      eventType: 'delivered',
      mtaResponse: '250 2.6.0 Message received',
      timestamp: '2016-10-19T23:21:04.133Z',
      metadata: { myCustomTag1: 'myCustomTagValue1', myCustomTag2: 'myCustomTagValue2' },
    });
    expect(Object.keys(e.metadata ?? {}).some((k) => k.startsWith('ses:'))).toBe(false);
  });

  it('Open → opened with the user agent, for every destination', () => {
    const raw = fixture('ses', 'event-open');
    raw['mail']['destination'] = ['a@example.com', 'B@Example.com'];
    const events = normalize(raw);
    expect(events.map((e) => e.recipient)).toEqual(['a@example.com', 'b@example.com']);
    for (const e of events)
      expect(e).toMatchObject({ eventType: 'opened', timestamp: '2017-08-09T22:00:19.652Z', userAgent: expect.stringContaining('iPhone') });
    expect(new Set(events.map((e) => e.eventId)).size).toBe(2);
  });

  it('Click → clicked with the link and user agent', () => {
    const e = only(fixture('ses', 'event-click'));
    expect(e).toMatchObject({
      eventType: 'clicked',
      clickUrl: 'http://docs.aws.amazon.com/ses/latest/DeveloperGuide/send-email-smtp.html',
      userAgent: expect.stringContaining('Windows NT 10.0'),
      timestamp: '2017-08-09T23:51:25.570Z',
    });
  });

  it('two clicks on different links in the same millisecond are two events', () => {
    const a = fixture('ses', 'event-click');
    const b = fixture('ses', 'event-click');
    b['click']['link'] = 'https://example.com/other';
    expect(only(a).eventId).not.toBe(only(b).eventId);
  });

  it('Rendering Failure → failed with the template and error message', () => {
    const e = only(fixture('ses', 'event-rendering-failure'));
    expect(e).toMatchObject({
      eventType: 'failed',
      description: "template MyTemplate: Attribute 'attributeName' is not present in the rendering data.",
    });
  });

  it('DeliveryDelay → deferred (Anymail: unknown) with the delay type, status, expiry and diagnostic code', () => {
    const e = only(fixture('ses', 'event-delivery-delay-transientcommunicationfailure'));
    expect(e).toMatchObject({
      eventType: 'deferred',
      description: 'TransientCommunicationFailure (4.4.1); SES retries until 2020-06-16T00:25:40.914Z',
      mtaResponse: 'smtp; 421 4.4.1 Unable to connect to remote host',
      timestamp: '2020-06-16T00:25:40.095Z',
    });
  });

  it.each(fixtureNames('ses').filter((n) => n.startsWith('event-delivery-delay-')))('%s → deferred with its delay type', (name) => {
    const raw = fixture('ses', name);
    const e = only(raw);
    expect(e.eventType).toBe('deferred');
    expect(e.description?.startsWith(raw['deliveryDelay']['delayType'])).toBe(true);
  });

  it('DeliveryDelay reports only the delayed recipients', () => {
    const raw = fixture('ses', 'event-delivery-delay-mailboxfull');
    raw['mail']['destination'] = ['recipient@example.com', 'other@example.com'];
    expect(normalize(raw).map((e) => e.recipient)).toEqual(['recipient@example.com']);
  });

  it('Subscription unsubscribeAll → unsubscribed with rejectReason unsubscribed (Anymail: unknown)', () => {
    const e = only(fixture('ses', 'event-subscription-unsubscribe-all'));
    expect(e).toMatchObject({
      eventType: 'unsubscribed',
      rejectReason: 'unsubscribed',
      description: 'unsubscribed from all topics of contact list ContactListName via UnsubscribeHeader',
      timestamp: '2022-01-12T01:00:17.910Z',
      providerMessageId: 'EXAMPLEe4bccb684-777bc8de-afa7-4970-92b0-f515137b1497-000000',
    });
  });

  it('Subscription opting out of one topic → unsubscribed without rejectReason (not a reason to suppress everything)', () => {
    const e = only(fixture('ses', 'event-subscription-topic-opt-out'));
    expect(e).toMatchObject({ eventType: 'unsubscribed', description: expect.stringContaining('opted out of ExampleTopicName') });
    expect(e.rejectReason).toBeUndefined();
  });

  it('Subscription opting in → subscribed', () => {
    const e = only(fixture('ses', 'event-subscription-topic-opt-in'));
    expect(e).toMatchObject({ eventType: 'subscribed', description: expect.stringContaining('opted in to ExampleTopicName') });
  });
});

describe('SES notifications (notificationType) → normalized events', () => {
  it('Bounce with a DSN → one bounced event for the bounced recipient only, not the other destinations', () => {
    const e = only(fixture('ses', 'notification-bounce-with-dsn'));
    expect(e).toMatchObject({
      eventType: 'bounced',
      recipient: 'jane@example.com',
      bounceType: 'permanent',
      description: 'General (5.1.1)',
      mtaResponse: 'smtp; 550 5.1.1 <jane@example.com>... User',
      providerMessageId: '00000138111222aa-33322211-cccc-cccc-cccc-ddddaaaa0680-000000',
    });
  });

  it('Bounce without a DSN → one event per bounced recipient, no mtaResponse', () => {
    const events = normalize(fixture('ses', 'notification-bounce-without-dsn'));
    expect(events.map((e) => e.recipient)).toEqual(['jane@example.com', 'richard@example.com']);
    for (const e of events) {
      expect(e).toMatchObject({ eventType: 'bounced', bounceType: 'permanent', description: 'General' });
      expect(e.mtaResponse).toBeUndefined();
    }
  });

  it('Transient bounce notification → transient', () => {
    expect(only(fixture('ses', 'notification-bounce-transient-mailboxfull'))).toMatchObject({
      bounceType: 'transient',
      description: 'MailboxFull (5.2.2)',
    });
  });

  it('Complaint with a feedback report → complained/spam for the complained recipient', () => {
    const e = only(fixture('ses', 'notification-complaint-with-feedback'));
    expect(e).toMatchObject({
      eventType: 'complained',
      rejectReason: 'spam',
      recipient: 'richard@example.com',
      description: 'abuse',
      userAgent: 'AnyCompany Feedback Loop (V0.01)',
    });
  });

  it('Complaint without a feedback report → complained/spam, no description', () => {
    const e = only(fixture('ses', 'notification-complaint-without-feedback'));
    expect(e).toMatchObject({ eventType: 'complained', rejectReason: 'spam', recipient: 'richard@example.com' });
    expect(e.description).toBeUndefined();
  });

  it('Delivery → delivered', () => {
    expect(only(fixture('ses', 'notification-delivery'))).toMatchObject({
      eventType: 'delivered',
      recipient: 'jane@example.com',
      mtaResponse: '250 ok:  Message 64111812 accepted',
      timestamp: '2016-01-27T14:59:38.237Z',
    });
  });

  it('reads the documented non-ISO mail timestamp ("2018-10-08T14:05:45 +0000") as UTC', () => {
    const raw = fixture('ses', 'notification-delivery-mail-object-example');
    delete raw['delivery']['timestamp'];
    expect(only(raw).timestamp).toBe('2018-10-08T14:05:45.000Z');
  });

  it('the AmazonSnsSubscriptionSucceeded setup notice and the event-publishing validation text produce no events', () => {
    expect(normalize(fixture('ses', 'notification-subscription-succeeded'))).toEqual([]);
    expect(normalize(SES_TOPIC_VALIDATED)).toEqual([]);
  });
});

describe('joins, tags and metadata', () => {
  it('our message id comes from the SES message tag, decoded', () => {
    const raw = fixture('ses', 'event-delivery');
    raw['mail']['tags'][MESSAGE_ID_TAG] = [encodeTagValue('order:42.confirmation')];
    const e = only(raw);
    expect(e.messageId).toBe('order:42.confirmation');
    expect(e.metadata).not.toHaveProperty(MESSAGE_ID_TAG);
  });

  it('a tag value we cannot have written is not taken as our id', () => {
    const raw = fixture('ses', 'event-delivery');
    raw['mail']['tags'][MESSAGE_ID_TAG] = ['bad_escape_'];
    expect(only(raw).messageId).toBeUndefined();
  });

  it('X-Tag and X-Metadata headers (any case) give tags and metadata for mail sent by something else', () => {
    const raw = fixture('ses', 'event-send');
    raw['mail']['headers'].push(
      { name: 'X-Tag', value: 'welcome' },
      { name: 'x-tag', value: 'onboarding' },
      { name: 'X-METADATA', value: '{"user_id": 12, "plan": "pro", "trial": true, "nested": {"no": 1}}' },
    );
    const e = only(raw);
    expect(e.tags).toEqual(['welcome', 'onboarding']);
    expect(e.metadata).toEqual({
      myCustomTag1: 'myCustomTagValue1',
      myCustomTag2: 'myCustomTagValue2',
      user_id: 12,
      plan: 'pro',
      trial: true,
    });
  });
});

describe('failure modes: missing or broken optional parts never fail the event', () => {
  it('an event with no time of its own gets the same id whenever it is received (replays dedupe)', () => {
    // Prepare: no mail, no event timestamp: nothing but the payload identifies it.
    const raw = { eventType: 'Send' };
    // Act
    const first = normalizeSesEvent(raw, { ...sesCtx, receivedAt: '2026-01-01T00:00:00.000Z' });
    const later = normalizeSesEvent(raw, { ...sesCtx, receivedAt: '2026-03-01T12:00:00.000Z' });
    const other = normalizeSesEvent({ eventType: 'Send', send: {} }, { ...sesCtx, receivedAt: '2026-01-01T00:00:00.000Z' });
    // Assess
    expect(first.map((e) => e.eventId)).toEqual(later.map((e) => e.eventId));
    expect(other.map((e) => e.eventId)).not.toEqual(first.map((e) => e.eventId));
  });

  it('a bounce without bounceSubType is still a bounce', () => {
    const raw = fixture('ses', 'event-bounce-permanent-general');
    delete raw['bounce']['bounceSubType'];
    expect(only(raw)).toMatchObject({ eventType: 'bounced', bounceType: 'permanent', description: '(5.1.1)' });
  });

  it('a bounce without bounceType or subtype is undetermined', () => {
    const raw = fixture('ses', 'event-bounce-permanent-general');
    delete raw['bounce']['bounceSubType'];
    delete raw['bounce']['bounceType'];
    expect(only(raw).bounceType).toBe('undetermined');
  });

  it('truncated headers (headersTruncated, a cut-off X-Metadata, headers missing) are fine', () => {
    const raw = fixture('ses', 'event-delivery');
    raw['mail']['headersTruncated'] = true;
    raw['mail']['headers'] = [{ name: 'X-Tag', value: 'kept' }, { name: 'X-Metadata', value: '{"order": "12' }, { name: 'Subj' }];
    const e = only(raw);
    expect(e.eventType).toBe('delivered');
    expect(e.tags).toEqual(['kept']);
    expect(e.metadata).toEqual({ myCustomTag1: 'myCustomTagValue1', myCustomTag2: 'myCustomTagValue2' });
    delete raw['mail']['headers'];
    expect(only(raw).eventType).toBe('delivered');
  });

  it('malformed X-Metadata (not JSON, an array, a string) is ignored', () => {
    for (const value of ['not json', '[1,2]', '"text"', 'null']) {
      const raw = fixture('ses', 'event-send');
      raw['mail']['headers'].push({ name: 'X-Metadata', value });
      expect(only(raw).metadata).toEqual({ myCustomTag1: 'myCustomTagValue1', myCustomTag2: 'myCustomTagValue2' });
    }
  });

  it('fields of the wrong type degrade to absent', () => {
    const raw = fixture('ses', 'event-bounce-permanent-general');
    raw['bounce']['timestamp'] = 12;
    raw['bounce']['bouncedRecipients'][0].diagnosticCode = { code: 550 };
    raw['mail']['destination'] = 'recipient@example.com';
    const e = only(raw);
    expect(e.timestamp).toBe('2017-08-05T00:40:02.012Z');
    expect(e.mtaResponse).toBeUndefined();
  });

  it('an unknown eventType → unknown with the raw event, one per destination', () => {
    const raw = fixture('ses', 'event-send');
    raw['eventType'] = 'Teleported';
    const e = only(raw);
    expect(e).toMatchObject({
      eventType: 'unknown',
      recipient: 'recipient@example.com',
      providerMessageId: SES_ID,
      description: 'unknown SES event type "Teleported"',
    });
    expect(e.raw).toEqual(raw);
  });

  it.each([
    ['a Bounce without recipients', (r: Json) => (r['bounce']['bouncedRecipients'] = []), 'event-bounce-permanent-general'],
    ['a Bounce without its bounce object', (r: Json) => delete r['bounce'], 'event-bounce-permanent-general'],
    ['a Delivery without recipients', (r: Json) => delete r['delivery']['recipients'], 'event-delivery'],
    ['a Complaint without recipients', (r: Json) => (r['complaint']['complainedRecipients'] = [{ nope: 1 }]), 'event-complaint-abuse'],
    ['a DeliveryDelay without delayed recipients', (r: Json) => delete r['deliveryDelay'], 'event-delivery-delay-general'],
    [
      'a Subscription without new preferences',
      (r: Json) => delete r['subscription']['newTopicPreferences'],
      'event-subscription-unsubscribe-all',
    ],
    ['an event without a type', (r: Json) => delete r['eventType'], 'event-send'],
  ])('%s → unknown with the raw event (never dropped)', (_label, mutate, name) => {
    const raw = fixture('ses', name);
    mutate(raw);
    const events = normalize(raw);
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) {
      expect(e.eventType).toBe('unknown');
      expect(e.raw).toEqual(raw);
    }
  });

  it('an inbound receipt notification on the tracking topic → unknown saying so', () => {
    const e = normalize({ notificationType: 'Received', mail: { messageId: 'x', destination: ['in@example.com'] }, receipt: {} });
    expect(e[0]).toMatchObject({ eventType: 'unknown', description: expect.stringContaining('inbound') });
  });

  it('non-JSON text and non-objects → one unknown event keeping the input', () => {
    expect(only('<html>oops</html>')).toMatchObject({ eventType: 'unknown', raw: '<html>oops</html>', timestamp: RECEIVED_AT });
    expect(only(42)).toMatchObject({ eventType: 'unknown', raw: 42 });
    expect(only(null)).toMatchObject({ eventType: 'unknown', raw: null });
  });
});

describe('event ids', () => {
  it('are deterministic: the same payload gives the same ids whenever it is received', () => {
    const a = normalizeSesEvent(fixture('ses', 'notification-bounce-without-dsn'), sesCtx);
    const b = normalizeSesEvent(fixture('ses', 'notification-bounce-without-dsn'), { ...sesCtx, receivedAt: '2030-01-01T00:00:00.000Z' });
    expect(b.map((e) => e.eventId)).toEqual(a.map((e) => e.eventId));
  });

  it('differ per recipient, per event type and per provider event', () => {
    // One fixture per documented example (the subtype variants reuse their example's
    // feedbackId, i.e. they are the same provider event by id). The bounce and complaint
    // examples even share a feedbackId: the event type keeps them apart.
    const examples = [
      'event-send',
      'event-reject',
      'event-bounce-permanent-general',
      'event-complaint-abuse',
      'event-delivery',
      'event-open',
      'event-click',
      'event-rendering-failure',
      'event-delivery-delay-transientcommunicationfailure',
      'event-subscription-unsubscribe-all',
      'notification-bounce-with-dsn',
      'notification-bounce-without-dsn',
      'notification-complaint-with-feedback',
      'notification-complaint-without-feedback',
      'notification-delivery',
    ];
    const ids = examples.flatMap((n) => normalize(fixture('ses', n)).map((e) => e.eventId));
    expect(ids.length).toBe(examples.length + 1); // bounce-without-dsn has two recipients
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('the JSON text and the parsed object give the same events', () => {
    const raw = fixture('ses', 'event-click');
    expect(normalize(JSON.stringify(raw)).map((e) => e.eventId)).toEqual(normalize(raw).map((e) => e.eventId));
  });
});
