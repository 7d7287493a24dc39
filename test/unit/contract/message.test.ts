import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidMessageError, idOfInvalidBody, RAW_BODY_LIMIT, validateMessage } from '../../../src/contract/validate.js';

const email = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    channel: 'email',
    id: 'm-1',
    from: 'Sender <sender@example.com>',
    to: 'rcpt@example.com',
    subject: 'Hello',
    text: 'Hi',
    ...over,
  });
const sms = (over: Record<string, unknown> = {}) => JSON.stringify({ channel: 'sms', id: 's-1', to: '+14155552671', body: 'Hi', ...over });

function reasonsOf(body: string, channel?: 'email' | 'sms') {
  try {
    validateMessage(body, channel);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidMessageError);
    return (error as InvalidMessageError).reasons;
  }
  throw new Error('expected the message to be refused');
}

describe('message contract v1: valid input', () => {
  it('normalizes mailboxes: display names kept, lists always arrays, IDN domains to ASCII', () => {
    // Act
    const { message, id, idDerived } = validateMessage(
      email({ from: '"Doe, Jane" <jane@bücher.de>', to: ['a@example.com', { name: 'Bé', address: 'b@EXAMPLE.com' }], cc: 'c@example.com' }),
    );
    // Assess
    expect(id).toBe('m-1');
    expect(idDerived).toBe(false);
    expect(message).toMatchObject({
      from: { name: 'Doe, Jane', address: 'jane@xn--bcher-kva.de' },
      to: [{ address: 'a@example.com' }, { name: 'Bé', address: 'b@example.com' }],
      cc: [{ address: 'c@example.com' }],
    });
  });

  it('derives a stable id when the producer gave none, and says so', () => {
    const body = JSON.stringify({ channel: 'sms', to: '+447911123456', body: 'x' });
    const first = validateMessage(body);
    const second = validateMessage(body);
    expect(first.idDerived).toBe(true);
    expect(first.id).toMatch(/^derived:[A-Za-z0-9_-]{32}$/);
    expect(second.id).toBe(first.id);
  });

  it('accepts SMS in E.164 with defaults applied', () => {
    const { message } = validateMessage(sms({ from: 'MAILROOM' }));
    expect(message).toMatchObject({ channel: 'sms', to: '+14155552671', smsType: 'transactional', from: 'MAILROOM' });
  });

  it('accepts templates, merge data for listed recipients, attachments and inline images', () => {
    const { message } = validateMessage(
      email({
        subject: undefined,
        text: undefined,
        to: ['a@example.com', 'b@example.com'],
        template: { name: 'welcome' },
        mergeData: { 'a@example.com': { first: 'A' }, 'b@example.com': { first: 'B' } },
        attachments: [
          { filename: 'r.pdf', contentType: 'application/pdf', content: Buffer.from('%PDF').toString('base64') },
          { filename: 'logo.png', content: 'iVBORw0KGgo=', disposition: 'inline', contentId: 'logo' },
        ],
      }),
    );
    expect(message.channel === 'email' && message.attachments?.length).toBe(2);
  });
});

describe('message contract v1: hostile and invalid input', () => {
  it.each([
    ['subject', { subject: 'Hi\r\nBcc: victim@example.com' }],
    ['headers.X-Note', { headers: { 'X-Note': 'a\nInjected: yes' } }],
    ['from', { from: { name: 'Evil\r\nBcc: x@example.com', address: 'e@example.com' } }],
    ['attachments.0.filename', { attachments: [{ filename: 'a\r\n.txt', content: 'QQ==' }] }],
    ['tags.0', { tags: ['a\nb'] }],
  ])('refuses CR/LF in %s (header injection)', (path, over) => {
    const reasons = reasonsOf(email(over));
    expect(reasons.map((r) => r.path)).toContain(path);
    expect(reasons.find((r) => r.path === path)?.message).toMatch(/line break|CR or LF/);
  });

  it('refuses header names that are not header names', () => {
    expect(reasonsOf(email({ headers: { 'Bad Name:': 'x' } })).map((r) => r.path)).toContain('headers.Bad Name:');
  });

  it('names every bad field at once', () => {
    const reasons = reasonsOf(
      JSON.stringify({ channel: 'email', id: 'bad id!', from: 'not-an-address', to: ['nope'], subject: 's', text: 't' }),
    );
    expect(reasons.map((r) => r.path).sort()).toEqual(['from', 'id', 'to.0']);
  });

  it('reports the failing list element, not "Invalid input"', () => {
    expect(reasonsOf(email({ to: ['ok@example.com', 'nope'] }))).toEqual([{ path: 'to.1', message: '"nope" is not a single mailbox' }]);
  });

  it("refuses a message on the other channel's queue", () => {
    expect(reasonsOf(sms(), 'email')).toEqual([{ path: 'channel', message: 'this queue takes email messages, not sms' }]);
  });

  it.each(['+1555', '4155552671', '+999999999999999', '+1415555267a'])('refuses %s as an SMS number', (to) => {
    expect(reasonsOf(sms({ to })).map((r) => r.path)).toEqual(['to']);
  });

  it('refuses mergeData keyed by someone not in to', () => {
    expect(reasonsOf(email({ mergeData: { 'other@example.com': {} } })).map((r) => r.path)).toContain('mergeData.other@example.com');
  });

  it('refuses an attachment with both or neither content and s3, and inline without contentId', () => {
    const reasons = reasonsOf(
      email({
        attachments: [
          { filename: 'a', content: 'QQ==', s3: { bucket: 'bkt', key: 'k' } },
          { filename: 'b' },
          { filename: 'c', content: 'QQ==', disposition: 'inline' },
        ],
      }),
    );
    expect(reasons.map((r) => r.path)).toEqual(['attachments.0', 'attachments.1', 'attachments.2']);
  });

  it('keeps the raw body of a non-JSON message, truncated to a safe size', () => {
    const raw = `{${'x'.repeat(RAW_BODY_LIMIT * 2)}`;
    try {
      validateMessage(raw);
      expect.unreachable();
    } catch (error) {
      const invalid = error as InvalidMessageError;
      expect(invalid.code).toBe('invalid_message');
      expect(invalid.retryable).toBe(false);
      expect(invalid.rawBody).toBe(raw);
      expect(invalid.truncatedBody.length).toBeLessThan(RAW_BODY_LIMIT + 64);
      expect(invalid.truncatedBody).toMatch(/truncated 8193 chars/);
    }
  });

  it('files an invalid body under the producer id when it has a usable one', () => {
    expect(idOfInvalidBody(JSON.stringify({ id: 'order-7', channel: 'fax' }))).toBe('order-7');
    expect(idOfInvalidBody('garbage')).toMatch(/^derived:/);
    expect(idOfInvalidBody(JSON.stringify({ id: 'has space' }))).toMatch(/^derived:/);
  });
});

describe('message contract v1: properties', () => {
  it('never throws anything but InvalidMessageError, whatever the body', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        (body) => {
          try {
            validateMessage(body);
          } catch (error) {
            return error instanceof InvalidMessageError && error.reasons.length > 0;
          }
          return true;
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never lets a line break through into a header-bound field', () => {
    const withBreak = fc.tuple(fc.string(), fc.constantFrom('\r', '\n', '\r\n'), fc.string()).map(([a, b, c]) => a + b + c);
    fc.assert(
      fc.property(withBreak, fc.constantFrom('subject', 'name', 'header'), (value, where) => {
        const over =
          where === 'subject'
            ? { subject: value }
            : where === 'name'
              ? { from: { name: value, address: 's@example.com' } }
              : { headers: { 'X-A': value } };
        expect(() => validateMessage(email(over))).toThrow(InvalidMessageError);
      }),
      { numRuns: 300 },
    );
  });

  it('accepts every well-formed simple email and keeps recipients in order', () => {
    const local = fc.stringMatching(/^[a-z0-9]{1,20}(\.[a-z0-9]{1,10})?$/);
    const domain = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}[a-z0-9]\.(com|org|de)$/).filter((d) => !/^..--/.test(d)); // no punycode-looking labels
    const address = fc.tuple(local, domain).map(([l, d]) => `${l}@${d}`);
    fc.assert(
      fc.property(
        fc.array(address, { minLength: 1, maxLength: 10 }),
        fc.string({ maxLength: 200 }).filter((s) => !/[\r\n]/.test(s)),
        (to, subject) => {
          const { message } = validateMessage(email({ to, subject }));
          expect(message.channel === 'email' && message.to?.map((m) => m.address)).toEqual(to);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('message contract v1: SMS sender', () => {
  it.each(['MAILROOM', 'Acme1', 'Acme-Co', '+14155552671', '+18005550100'])('accepts %s as from', (from) => {
    expect(validateMessage(sms({ from })).message).toMatchObject({ from });
  });

  it.each(['AB', '12345', 'TWELVECHARSX', 'has space'])('refuses %s as a sender ID (SNS: 3-11, at least one letter)', (from) => {
    expect(reasonsOf(sms({ from })).map((r) => r.path)).toEqual(['from']);
  });
});
