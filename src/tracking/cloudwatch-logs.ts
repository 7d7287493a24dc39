/**
 * CloudWatch Logs subscription payloads, as a Lambda subscription filter delivers them:
 * `{ awslogs: { data } }` where `data` is base64 of gzip of
 * `{ messageType, owner, logGroup, logStream, subscriptionFilters, logEvents: [{id, timestamp, message}] }`.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/SubscriptionFilters.html#LambdaFunctionExample
 *
 * `CONTROL_MESSAGE` payloads are CloudWatch checking that the destination is reachable: they
 * carry no log events for us.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import * as z from 'zod';
import { LogsPayloadError } from './errors.js';

// One PutLogEvents batch is at most 1 MiB of events; anything that inflates far past that is
// not a CloudWatch payload (and must not be allowed to exhaust the Lambda's memory).
const MAX_INFLATED_BYTES = 16 * 1024 * 1024;

const envelopeSchema = z.object({ awslogs: z.object({ data: z.string().min(1) }) });

export const logsDataSchema = z.object({
  messageType: z.string(),
  owner: z.string().optional(),
  logGroup: z.string().optional(),
  logStream: z.string().optional(),
  subscriptionFilters: z.array(z.string()).optional(),
  logEvents: z.array(z.object({ id: z.string(), timestamp: z.number(), message: z.string() })).default([]),
});

export type LogsData = z.output<typeof logsDataSchema>;
export type LogEvent = LogsData['logEvents'][number];

/** Decodes a CloudWatch Logs subscription event; throws LogsPayloadError when it is not one. */
export function decodeLogsEvent(event: unknown): LogsData {
  const envelope = envelopeSchema.safeParse(event);
  if (!envelope.success) throw new LogsPayloadError('expected { awslogs: { data: <base64 gzip> } }');
  let text: string;
  try {
    const inflated = gunzipSync(Buffer.from(envelope.data.awslogs.data, 'base64'), { maxOutputLength: MAX_INFLATED_BYTES });
    text = inflated.toString('utf8');
  } catch (cause) {
    throw new LogsPayloadError('awslogs.data is not base64 gzip (or inflates past 16 MiB)', { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new LogsPayloadError('awslogs.data does not inflate to JSON', { cause });
  }
  const data = logsDataSchema.safeParse(json);
  if (!data.success) {
    throw new LogsPayloadError(data.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  }
  return data.data;
}

/** The inverse, for the local pipeline and tests: what a subscription filter would deliver. */
export function encodeLogsEvent(data: LogsData): { awslogs: { data: string } } {
  return { awslogs: { data: gzipSync(Buffer.from(JSON.stringify(data))).toString('base64') } };
}
