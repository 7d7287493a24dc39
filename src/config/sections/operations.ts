/** `alarms` and `operations`: where alarms go, logs, tracing, metrics, removal. */
import * as z from 'zod';
import { address, LOG_RETENTION_DAYS, METRICS_NAMESPACE, topicArn } from '../../contract/config-fields.js';
import { DEFAULT_METRICS_NAMESPACE } from '../../logging/metrics.js';

export const alarmsSection = z
  .strictObject({
    email: address
      .optional()
      .meta({ description: 'creates an encrypted alarm topic with this address subscribed; not with `topicArn`', shape: 'address' }),
    topicArn: topicArn.optional().meta({ description: 'existing alarm topic', shape: 'SNS topic ARN' }),
  })
  .prefault({});

export const metricsNamespace = z
  .string()
  .regex(METRICS_NAMESPACE, 'a CloudWatch namespace: 1-255 letters, digits, spaces and . _ - / #')
  .default(DEFAULT_METRICS_NAMESPACE);

export const operationsSection = z
  .strictObject({
    logRetentionDays: z
      .number()
      .refine((v) => (LOG_RETENTION_DAYS as readonly number[]).includes(v), `must be one of ${LOG_RETENTION_DAYS.join(', ')}`)
      .default(30)
      .meta({ description: "every log group; also the access-log bucket's expiry", shape: 'a CloudWatch retention value' }),
    tracing: z.boolean().default(true).meta({ description: 'X-Ray active tracing' }),
    removalPolicy: z
      .enum(['retain', 'destroy'])
      .default('retain')
      .meta({ description: 'what stack deletion does to tables, buckets, log groups and the key' }),
    deletionProtection: z.boolean().default(true).meta({ description: 'DynamoDB deletion protection' }),
    bundleAwsSdk: z.boolean().default(false).meta({ description: "bundle the AWS SDK instead of using the Lambda runtime's copy" }),
    metricsNamespace: metricsNamespace.meta({
      description: 'CloudWatch namespace of every Lambda metric (and of the alarms on them)',
      shape: 'CloudWatch namespace',
    }),
  })
  .prefault({});
