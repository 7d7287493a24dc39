import { describe, expect, it } from 'vitest';
import { InvalidReceiptNotificationError } from '../../../src/inbound/errors.js';
import { isReceiptNotification, parseReceiptNotification } from '../../../src/inbound/notification.js';
import { sesFixture } from './support.js';

describe('parseReceiptNotification', () => {
  it('reads the S3-action notification (bucket, key, verdicts, envelope)', () => {
    // Prepare
    const raw = sesFixture('s3-action.json');
    // Act
    const n = parseReceiptNotification(raw);
    // Assess
    expect(n.receipt.action).toMatchObject({ type: 'S3', bucketName: 'my-S3-bucket', objectKey: 'mail/d6iitobk75ur44p8kdnnp7g2n800' });
    expect(n.mail.messageId).toBe('d6iitobk75ur44p8kdnnp7g2n800');
    expect(n.mail.source).toContain('@amazonses.com');
    expect(n.receipt.recipients).toEqual(['recipient@example.com']);
    expect(n.receipt.spamVerdict).toEqual({ status: 'PASS' });
    expect(n.content).toBeUndefined();
  });

  it('takes an SNS-action notification without `encoding` as UTF8, as in the AWS example', () => {
    const n = parseReceiptNotification(sesFixture('sns-action-utf8.json'));
    expect(n.receipt.action).toEqual({ type: 'SNS', topicArn: 'arn:aws:sns:us-east-1:012345678912:example-topic', encoding: 'UTF8' });
    expect(n.content).toContain('Subject: Example subject');
  });

  it('keeps BASE64 encoding of an SNS-action notification', () => {
    const n = parseReceiptNotification(sesFixture('sns-action-base64.json'));
    expect(n.receipt.action).toMatchObject({ type: 'SNS', encoding: 'BASE64' });
    expect(Buffer.from(n.content!, 'base64').toString()).toContain('Example content');
  });

  it('accepts the notification as JSON text (the SNS Message field)', () => {
    const n = parseReceiptNotification(JSON.stringify(sesFixture('s3-action.json')));
    expect(n.notificationType).toBe('Received');
  });

  it('keeps an unknown verdict status instead of refusing the mail', () => {
    const raw = sesFixture('s3-action.json') as { receipt: Record<string, unknown> };
    raw.receipt['spamVerdict'] = { status: 'SOMETHING_NEW' };
    expect(parseReceiptNotification(raw).receipt.spamVerdict).toEqual({ status: 'SOMETHING_NEW' });
  });

  it.each([
    ['a bounce notification', (n: any) => (n.notificationType = 'Bounce'), 'notificationType'],
    ['an SNS action without content', (n: any) => ((n.receipt.action = { type: 'SNS' }), delete n.content), 'content'],
    ['a message id that could act as a path', (n: any) => (n.mail.messageId = '../etc'), 'mail.messageId'],
    ['a Lambda action (no mail to fetch)', (n: any) => (n.receipt.action = { type: 'Lambda', functionArn: 'x' }), 'receipt.action'],
    ['no recipients', (n: any) => (n.receipt.recipients = []), 'receipt.recipients'],
    ['a bad timestamp', (n: any) => (n.receipt.timestamp = 'yesterday'), 'receipt.timestamp'],
  ])('refuses %s, naming the field', (_label, mutate, field) => {
    const raw = sesFixture('s3-action.json');
    mutate(raw);
    try {
      parseReceiptNotification(raw);
      expect.unreachable('should have thrown');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidReceiptNotificationError);
      expect((error as InvalidReceiptNotificationError).issues.join('\n')).toContain(field);
    }
  });

  it('refuses text that is not JSON', () => {
    expect(() => parseReceiptNotification('{not json')).toThrow(InvalidReceiptNotificationError);
  });
});

describe('isReceiptNotification', () => {
  it('routes only notificationType "Received"', () => {
    expect(isReceiptNotification(sesFixture('s3-action.json'))).toBe(true);
    expect(isReceiptNotification({ notificationType: 'Bounce' })).toBe(false);
    expect(isReceiptNotification({ eventType: 'Delivery' })).toBe(false);
    expect(isReceiptNotification(null)).toBe(false);
    expect(isReceiptNotification('Received')).toBe(false);
  });
});
