/**
 * Security guardrails (issue 8, infrastructure): `publicEndpoints`, `retention`, `encryption`.
 * What each protects against, and how to tune it: docs/deploy.md#security.
 */
import * as z from 'zod';
import { positiveInt } from '../../contract/config-fields.js';

const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]{1,128}$/;

export const publicEndpointsSection = z
  .strictObject({
    // Lambda accepts 0 (which disables the function) up to the account quota; 1000 is the default quota.
    reservedConcurrency: z.number().int().min(1).max(1000).nullable().default(5).meta({
      description:
        'reserved concurrency of each public function: an anonymous flood holds at most this many instances and never starves sending; `null` reserves nothing (accounts whose concurrency quota is still 10 cannot reserve any)',
    }),
    throttledFront: z
      .strictObject({
        enabled: z.boolean().default(false).meta({
          description:
            'an API Gateway HTTP API with stage throttling in front of every public function instead of a function URL (pay per request)',
        }),
        // API Gateway's account-level defaults are 10,000 rps and a 5,000 burst: a stage cannot exceed them.
        rateLimit: z
          .number()
          .positive()
          .max(10_000)
          .default(10)
          .meta({ description: 'steady-state requests per second the HTTP API lets through, all callers together' }),
        burstLimit: z.number().int().min(1).max(5_000).default(20).meta({ description: 'burst bucket size, requests' }),
      })
      .prefault({}),
    invocationsAlarmThreshold: positiveInt
      .default(1000)
      .meta({ description: 'alarm when a public function is invoked this many times in 5 minutes' }),
  })
  .prefault({});

/** Days to keep something (DynamoDB TTL or an S3 lifecycle rule). */
export const retentionBound = positiveInt.max(36_500);

/** null keeps it forever (a Lambda then gets no retention variable). */
export function retentionDays(days: number) {
  return retentionBound.nullable().default(days);
}

export const retentionSection = z
  .strictObject({
    messagesDays: retentionDays(365).meta({
      description: 'DynamoDB TTL of message records and their index items, from creation (or a later `sendAt`); `null` keeps them',
    }),
    eventsDays: retentionDays(365).meta({
      description: 'events table, from the event timestamp; also raw events in the payload bucket (`events/raw/`)',
    }),
    inboundDays: retentionDays(365).meta({ description: 'inbound table, from `receivedAt`' }),
    attachmentsDays: retentionDays(365).meta({ description: 'inbound attachments (`attachments/` in the inbound bucket)' }),
    quarantineDays: retentionDays(30).meta({ description: 'quarantined attachments (`quarantine/`)' }),
    bodiesDays: retentionDays(365).meta({ description: 'inbound bodies too large for an item (`bodies/` in the payload bucket)' }),
  })
  .prefault({});

export const encryptionSection = z
  .strictObject({
    dataKey: z
      .union(
        [
          z.strictObject({ arn: z.string().regex(KMS_KEY_ARN, 'must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)') }),
          z.strictObject({ create: z.literal(true) }),
        ],
        { error: 'must be {"arn": "<KMS key ARN>"} or {"create": true}' },
      )
      .optional()
      .meta({
        description:
          'customer-managed KMS key for the inbound and payload buckets, the tables, the queues and the log groups: imported, or created with rotation. Absent: AWS-managed keys',
        shape: '`{arn}` \\| `{create: true}`',
      }),
  })
  .prefault({});
