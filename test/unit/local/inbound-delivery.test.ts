import { describe, expect, it } from 'vitest';
import { INBOUND_ID_PATTERN } from '../../../src/inbound/notification.js';
import { headerLines, sesInboundMessageId } from '../../../src/local/inbound-delivery.js';

describe('local inbound delivery helpers', () => {
  it('makes ids shaped like SES inbound message ids', () => {
    const ids = Array.from({ length: 50 }, sesInboundMessageId);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]{40}$/);
    for (const id of ids) expect(id).toMatch(INBOUND_ID_PATTERN);
    expect(new Set(ids).size).toBe(50);
  });

  it('reads the header block only, unfolding continuation lines', () => {
    // Prepare
    const raw = Buffer.from(
      'From: Ann <ann@example.com>\r\nSubject: a long\r\n  folded subject\r\nTo: bob@example.org\r\n\r\nBody: not a header\r\n',
    );

    // Act
    const headers = headerLines(raw);

    // Assess
    expect(headers).toEqual([
      { name: 'From', value: 'Ann <ann@example.com>' },
      { name: 'Subject', value: 'a long folded subject' },
      { name: 'To', value: 'bob@example.org' },
    ]);
  });

  it('skips lines without a colon and accepts bare LF line ends', () => {
    expect(headerLines(Buffer.from('garbage line\nX-A: 1\n\nrest'))).toEqual([{ name: 'X-A', value: '1' }]);
  });
});
