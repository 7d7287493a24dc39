/** `send`: the send Lambdas' timeout, memory, retries and backoff, and attachment buckets. */
import * as z from 'zod';
import { BUCKET_NAME, MAX_VISIBILITY_TIMEOUT_SECONDS, positiveInt } from '../../contract/config-fields.js';

export const attachmentBucket = z.strictObject(
  {
    bucket: z.string().regex(BUCKET_NAME, 'must be an S3 bucket name'),
    // A whole bucket is never granted: producers could mail any object in it to anyone.
    prefixes: z.array(z.string().regex(/^[^*?]{1,1024}$/, 'a key prefix of 1-1024 characters without * or ?')).min(1),
    account: z
      .string()
      .regex(/^\d{12}$/, 'a 12-digit AWS account id')
      .optional(),
  },
  { error: 'must be {"bucket": "<name>", "prefixes": ["<key prefix>", ...], "account"?: "<12 digits>"}' },
);

export const sendSection = z
  .strictObject({
    timeoutSeconds: positiveInt.max(900).default(30).meta({ description: 'send Lambda timeout' }),
    memoryMiB: z.number().int().min(128).max(10_240).default(512).meta({ description: 'send Lambda memory' }),
    visibilityTimeoutSeconds: positiveInt
      .max(MAX_VISIBILITY_TIMEOUT_SECONDS)
      .optional()
      .meta({ description: 'queue visibility timeout; must be ≥ 6 × timeoutSeconds', defaultText: '`6 × timeoutSeconds`' }),
    maxReceiveCount: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(5)
      .meta({ description: "the queues' redrive `maxReceiveCount`, and the retry budget for transient failures" }),
    backoffBaseSeconds: positiveInt
      .max(MAX_VISIBILITY_TIMEOUT_SECONDS)
      .default(30)
      .meta({ description: 'retry backoff base; ≤ `backoffMaxSeconds`' }),
    backoffMaxSeconds: positiveInt.max(MAX_VISIBILITY_TIMEOUT_SECONDS).default(900).meta({ description: 'retry backoff cap' }),
    ignoreUnsupportedFeatures: z
      .boolean()
      .default(false)
      .meta({ description: 'drop (and report) features an adapter lacks instead of failing the message' }),
    attachmentBuckets: z.array(attachmentBucket).default([]).meta({
      description:
        "buckets that attachments may reference with `s3: {bucket, key}`: the email Lambda may read objects under the listed key prefixes only, of a bucket owned by `account` (default: the stack's; IAM condition `s3:ResourceAccount`, and `ExpectedBucketOwner` on every GetObject)",
      shape: '`{bucket, prefixes, account?}`[]',
    }),
  })
  .prefault({});
