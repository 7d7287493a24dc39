import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/cli/errors.js';
import { emailFromFlags, parseMeta, smsFromFlags } from '../../../src/cli/message-input.js';
import { validateMessage } from '../../../src/contract/validate.js';

const dir = mkdtempSync(join(tmpdir(), 'mailroom-attach-'));
writeFileSync(join(dir, 'invoice.pdf'), Buffer.from('%PDF-1.4 test'));

describe('send flags → contract v1 body', () => {
  it('builds an email the send pipeline accepts, with attachments, tags and metadata', () => {
    // Act
    const body = emailFromFlags(
      {
        from: 'Shop <shop@example.com>',
        to: ['a@example.org', 'b@example.org'],
        bcc: ['audit@example.com'],
        subject: 'Your invoice',
        text: 'Attached.',
        attach: ['invoice.pdf'],
        tag: ['invoice'],
        meta: ['order=42', 'note=a=b'],
        id: 'inv-42',
      },
      dir,
    );
    const { message, id } = validateMessage(JSON.stringify(body));

    // Assess
    expect(id).toBe('inv-42');
    expect(message).toMatchObject({
      channel: 'email',
      from: { name: 'Shop', address: 'shop@example.com' },
      to: [{ address: 'a@example.org' }, { address: 'b@example.org' }],
      bcc: [{ address: 'audit@example.com' }],
      tags: ['invoice'],
      metadata: { order: '42', note: 'a=b' },
      attachments: [{ filename: 'invoice.pdf', contentType: 'application/pdf', content: Buffer.from('%PDF-1.4 test').toString('base64') }],
    });
  });

  it('gives a message without --id a UUID the user can query', () => {
    const a = emailFromFlags({ from: 'a@example.com', to: ['b@example.org'], subject: 's', text: 't' }, dir);
    const b = emailFromFlags({ from: 'a@example.com', to: ['b@example.org'], subject: 's', text: 't' }, dir);
    expect(a.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.id).not.toBe(b.id);
  });

  it('builds an SMS the send pipeline accepts', () => {
    const body = smsFromFlags({ to: '+14155550100', body: 'Code 123456', smsType: 'transactional', id: 'otp-1' });
    expect(validateMessage(JSON.stringify(body))).toMatchObject({
      id: 'otp-1',
      message: { channel: 'sms', to: '+14155550100', body: 'Code 123456' },
    });
  });

  it('refuses a missing attachment and malformed metadata as usage errors', () => {
    expect(() => emailFromFlags({ from: 'a@example.com', to: ['b@example.org'], attach: ['nope.bin'] }, dir)).toThrow(UsageError);
    expect(() => parseMeta(['novalue'])).toThrow(/key=value/);
    expect(() => parseMeta(['=x'])).toThrow(UsageError);
  });

  it('keeps --meta keys named after Object.prototype members, __proto__ included (issue 7)', () => {
    const body = JSON.stringify({
      channel: 'sms',
      to: '+14155550100',
      body: 'x',
      metadata: parseMeta(['constructor=1', '__proto__=p', 'toString=t']),
    });
    expect(body).toContain('"__proto__":"p"');
    const { message } = validateMessage(body);
    expect(Object.keys(message.metadata ?? {})).toEqual(['constructor', '__proto__', 'toString']);
  });
});
