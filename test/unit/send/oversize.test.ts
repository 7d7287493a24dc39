/**
 * The message size SQS counts (src/send/oversize.ts): body plus each attribute's name, data
 * type and value, in UTF-8 bytes (Binary values as raw bytes). The integration test
 * test/integration/send/dlq-oversize.test.ts checks the same count against fauxqs's limit.
 */
import { describe, expect, it } from 'vitest';
import { referenceBody, sqsBodyPrefix, sqsMessageSize } from '../../../src/send/oversize.js';

describe('sqsMessageSize', () => {
  it('counts UTF-8 bytes of the body, not UTF-16 units', () => {
    // Assess
    expect(sqsMessageSize('hi 😀 é')).toBe(3 + 4 + 1 + 2);
  });

  it('counts every attribute name, data type and value, a Binary value as raw bytes', () => {
    // Prepare
    const attributes = {
      'mailroom.errorCode': { DataType: 'String', StringValue: 'invalid_message' },
      'mailroom.attempts': { DataType: 'Number', StringValue: '0' },
      blob: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 3]) },
      naïve: { DataType: 'String.custom', StringValue: '€' },
    };

    // Assess
    expect(sqsMessageSize('body', attributes)).toBe(4 + (18 + 6 + 15) + (17 + 6 + 1) + (4 + 6 + 3) + (6 + 13 + 3));
  });
});

describe('by-reference body', () => {
  it('is JSON naming bucket, key, size and digest, under a per-channel prefix', () => {
    // Prepare
    const ref = { bucket: 'payloads', key: `${sqsBodyPrefix('sms')}abc`, bytes: 10, sha256: 'abc' };

    // Assess
    expect(JSON.parse(referenceBody(ref))).toEqual({ mailroomBodyRef: ref });
    expect(ref.key).toBe('sqs-bodies/sms/abc');
  });
});
