/**
 * AWS SDK clients pointed at the local stand-ins. Credentials are dummies the local servers
 * accept (s3rver insists on S3RVER/S3RVER); S3 is path-style with checksums only when
 * required, otherwise s3rver stores streamed uploads corrupted.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LocalEndpoints } from './servers.js';

export const LOCAL_REGION = 'us-east-1';
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

export interface LocalClients {
  readonly dynamodb: DynamoDBClient;
  readonly doc: DynamoDBDocumentClient;
  readonly s3: S3Client;
  readonly sesv2: SESv2Client;
  readonly sns: SNSClient;
  readonly sqs: SQSClient;
  destroy(): void;
}

export function localClients(endpoints: LocalEndpoints, region = LOCAL_REGION): LocalClients {
  const dynamodb = new DynamoDBClient({ endpoint: endpoints.dynamodb, region, credentials });
  const doc = DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } });
  const s3 = new S3Client({
    endpoint: endpoints.s3,
    region,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const sesv2 = new SESv2Client({ endpoint: endpoints.sesv2, region, credentials });
  const sns = new SNSClient({ endpoint: endpoints.sns, region, credentials });
  const sqs = new SQSClient({ endpoint: endpoints.sqs, region, credentials });
  return {
    dynamodb,
    doc,
    s3,
    sesv2,
    sns,
    sqs,
    destroy() {
      for (const c of [dynamodb, s3, sesv2, sns, sqs]) c.destroy();
    },
  };
}
