import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type SentEmail, sesEventsFor, simulatorScenario } from '../../../src/local/ses-simulator.js';
import { encodeTagValue, MESSAGE_ID_TAG } from '../../../src/providers/email/ses-tags.js';
import { normalizeSesEvent } from '../../../src/tracking/normalizers/index.js';

const ctx = { receivedAt: '2030-01-01T00:00:10.000Z', provider: 'ses' };

function email(destination: string[], extra: Partial<SentEmail> = {}): SentEmail {
  return {
    messageId: 'ses-123456789',
    sentAt: new Date('2030-01-01T00:00:00.000Z'),
    source: 'Sender <sender@example.com>',
    destination,
    subject: 'hi',
    tags: { [MESSAGE_ID_TAG]: [encodeTagValue('order:42')] },
    region: 'us-east-1',
    ...extra,
  };
}

/** What the tracking pipeline makes of the records: [eventType, recipient, extra] per normalized event. */
function normalized(destination: string[]) {
  return sesEventsFor(email(destination)).flatMap((record) =>
    normalizeSesEvent(JSON.parse(JSON.stringify(record)), ctx).map((e) => ({
      type: e.eventType,
      recipient: e.recipient,
      bounceType: e.bounceType,
      messageId: e.messageId,
      description: e.description,
    })),
  );
}

describe('simulatorScenario', () => {
  it.each([
    ['success@simulator.amazonses.com', 'success'],
    ['BOUNCE@Simulator.AmazonSES.com', 'bounce'],
    ['bounce+label1@simulator.amazonses.com', 'bounce'],
    ['ooto@simulator.amazonses.com', 'ooto'],
    ['complaint+x@simulator.amazonses.com', 'complaint'],
    ['suppressionlist@simulator.amazonses.com', 'suppressionlist'],
    ['someone@simulator.amazonses.com', 'default'],
    ['bounce@example.com', 'default'],
    ['not-an-address', 'default'],
  ])('%s → %s', (address, scenario) => {
    expect(simulatorScenario(address)).toBe(scenario);
  });
});

describe('sesEventsFor (what the tracking pipeline receives)', () => {
  it('success@: Send then Delivery, both joined to our message id', () => {
    expect(normalized(['success@simulator.amazonses.com'])).toEqual([
      expect.objectContaining({ type: 'sent', recipient: 'success@simulator.amazonses.com', messageId: 'order:42' }),
      expect.objectContaining({ type: 'delivered', recipient: 'success@simulator.amazonses.com', messageId: 'order:42' }),
    ]);
  });

  it('bounce@: Send then a permanent bounce, no delivery', () => {
    const events = normalized(['bounce@simulator.amazonses.com']);
    expect(events.map((e) => e.type)).toEqual(['sent', 'bounced']);
    expect(events[1]).toMatchObject({ bounceType: 'permanent' });
  });

  it('suppressionlist@: Send then a permanent bounce whose subtype says account suppression list', () => {
    const records = sesEventsFor(email(['suppressionlist@simulator.amazonses.com']));
    expect(records.map((r) => r.eventType)).toEqual(['Send', 'Bounce']);
    expect(records[1]!.bounce).toMatchObject({ bounceType: 'Permanent', bounceSubType: 'OnAccountSuppressionList' });
    expect(normalized(['suppressionlist@simulator.amazonses.com'])[1]).toMatchObject({ type: 'bounced', bounceType: 'permanent' });
  });

  it('ooto@: Send then Delivery (the autoresponse is mail, not an event)', () => {
    expect(normalized(['ooto@simulator.amazonses.com']).map((e) => e.type)).toEqual(['sent', 'delivered']);
  });

  it('complaint@: Send, Delivery, then Complaint', () => {
    expect(normalized(['complaint@simulator.amazonses.com']).map((e) => e.type)).toEqual(['sent', 'delivered', 'complained']);
  });

  it('any other address: Send then Delivery', () => {
    expect(normalized(['someone@example.org']).map((e) => e.type)).toEqual(['sent', 'delivered']);
  });

  it('a mixed message gets one event per recipient, each with its own outcome', () => {
    const events = normalized(['success@simulator.amazonses.com', 'bounce@simulator.amazonses.com', 'a@example.org']);
    const by = (r: string) => events.filter((e) => e.recipient === r).map((e) => e.type);
    expect(by('success@simulator.amazonses.com')).toEqual(['sent', 'delivered']);
    expect(by('bounce@simulator.amazonses.com')).toEqual(['sent', 'bounced']);
    expect(by('a@example.org')).toEqual(['sent', 'delivered']);
  });

  it('keeps the SES event time order: Send ≤ Delivery/Bounce ≤ Complaint', () => {
    const records = sesEventsFor(email(['complaint@simulator.amazonses.com']));
    const times = [records[0]!.mail.timestamp, records[1]!.delivery!.timestamp, records[2]!.complaint!.timestamp] as string[];
    expect([...times].sort()).toEqual(times);
  });

  it('is deterministic, so a republished email deduplicates', () => {
    fc.assert(
      fc.property(fc.array(fc.emailAddress(), { minLength: 1, maxLength: 5 }), (addresses) => {
        expect(sesEventsFor(email(addresses))).toEqual(sesEventsFor(email(addresses)));
      }),
      { numRuns: 50 },
    );
  });

  it('covers every destination exactly once with a final outcome', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.oneof(
            fc.emailAddress(),
            fc.constantFrom('success', 'bounce', 'ooto', 'complaint', 'suppressionlist').map((l) => `${l}@simulator.amazonses.com`),
          ),
          {
            minLength: 1,
            maxLength: 8,
            selector: (a) => a.toLowerCase(),
          },
        ),
        (addresses) => {
          const records = sesEventsFor(email(addresses));
          const finals = records.flatMap((r) => [
            ...((r.delivery?.recipients as string[] | undefined) ?? []),
            ...((r.bounce?.bouncedRecipients as { emailAddress: string }[] | undefined) ?? []).map((b) => b.emailAddress),
          ]);
          expect([...finals].sort()).toEqual([...addresses].sort());
        },
      ),
      { numRuns: 50 },
    );
  });
});
