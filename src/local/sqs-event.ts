/**
 * Builds the exact `SQSEvent` Lambda hands a function from what SQS ReceiveMessage returned,
 * so the local pipeline invokes handlers with the same shape the event source mapping
 * produces in AWS: https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html
 *
 * Quirks of Lambda's shape kept here: attribute names are camelCase (`messageId`,
 * `md5OfBody`, `eventSourceARN` with a capital ARN), system attributes keep SQS's PascalCase
 * names and string values, message attributes use `stringValue` / `binaryValue` (binary as
 * base64) / `dataType` and always carry the reserved, empty `stringListValues` and
 * `binaryListValues` lists.
 */

import { randomUUID } from 'node:crypto';
import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { Context, SQSEvent, SQSMessageAttribute, SQSRecord } from 'aws-lambda';

/** System attributes the poller asks ReceiveMessage for, as Lambda's poller does. */
export const SYSTEM_ATTRIBUTE_NAMES = [
  'ApproximateReceiveCount',
  'SentTimestamp',
  'SenderId',
  'ApproximateFirstReceiveTimestamp',
  'AWSTraceHeader',
  'SequenceNumber',
  'MessageGroupId',
  'MessageDeduplicationId',
] as const;

function toLambdaAttribute(value: MessageAttributeValue): SQSMessageAttribute {
  return {
    ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
    ...(value.BinaryValue !== undefined ? { binaryValue: Buffer.from(value.BinaryValue).toString('base64') } : {}),
    stringListValues: [],
    binaryListValues: [],
    dataType: value.DataType ?? 'String',
  };
}

export function toSqsRecord(message: Message, queueArn: string, region: string): SQSRecord {
  const attrs = message.Attributes ?? {};
  const optional = (name: string): Record<string, string> =>
    attrs[name as keyof typeof attrs] !== undefined ? { [name]: attrs[name as keyof typeof attrs]! } : {};
  return {
    messageId: message.MessageId!,
    receiptHandle: message.ReceiptHandle!,
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attrs.ApproximateReceiveCount ?? '1',
      SentTimestamp: attrs.SentTimestamp ?? String(Date.now()),
      SenderId: attrs.SenderId ?? '000000000000',
      ApproximateFirstReceiveTimestamp: attrs.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      ...optional('AWSTraceHeader'),
      ...optional('SequenceNumber'),
      ...optional('MessageGroupId'),
      ...optional('MessageDeduplicationId'),
    },
    messageAttributes: Object.fromEntries(Object.entries(message.MessageAttributes ?? {}).map(([k, v]) => [k, toLambdaAttribute(v)])),
    md5OfBody: message.MD5OfBody ?? '',
    ...(message.MD5OfMessageAttributes ? { md5OfMessageAttributes: message.MD5OfMessageAttributes } : {}),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

export function toSqsEvent(messages: readonly Message[], queueArn: string, region: string): SQSEvent {
  return { Records: messages.map((m) => toSqsRecord(m, queueArn, region)) };
}

/** A Lambda `Context` for one local invocation; `getRemainingTimeInMillis` counts down from the function timeout. */
export function lambdaContext(functionName: string, region: string, timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/${functionName}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
