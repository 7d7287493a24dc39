/**
 * What the CLI talks to: the local pipeline (`.mailroom/local.json`, written by `npm start`)
 * by default, or a deployed stack (`--stack NAME [--region R]`), whose queue URLs, table and
 * bucket names come from its CloudFormation outputs. Either way commands get the same
 * `Target`: names plus SDK clients, so no command knows which one it is talking to.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { readStackOutputs, StackOutputsError } from '../client/stack-outputs.js';
import { localClients } from '../local/clients.js';
import { findLocalState, readLocalState } from '../local/state.js';
import type { TableNames } from '../store/tables.js';
import { CliError, EXIT, UsageError } from './errors.js';

export interface TargetClients {
  readonly dynamodb: DynamoDBClient;
  readonly doc: DynamoDBDocumentClient;
  readonly s3: S3Client;
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
}

export interface Target {
  readonly kind: 'local' | 'stack';
  /** "local" or the stack name, for messages. */
  readonly label: string;
  readonly region: string;
  readonly queues: { readonly email: string; readonly sms: string };
  readonly tables: TableNames;
  readonly buckets: { readonly inbound?: string; readonly payload?: string };
  /** The SES-events and inbound-notification topics; `replay` accepts messages from these without --skip-signature-check. */
  readonly topics: { readonly sesEvents?: string; readonly inbound?: string };
  /** Key prefix of the receipt rule's S3 action (inbound mail objects). */
  readonly inboundObjectPrefix: string;
  /** The local SMS outbox file, when local. */
  readonly outbox?: string;
  readonly clients: TargetClients;
  close(): void;
}

export interface TargetOptions {
  readonly stack?: string;
  readonly region?: string;
}

/** CloudFormation output keys the stack publishes (lib/), and which are required. */
export const STACK_OUTPUTS = {
  required: ['EmailQueueUrl', 'SmsQueueUrl', 'MessagesTableName', 'EventsTableName', 'InboundTableName', 'SuppressionsTableName'],
  optional: ['Region', 'InboundBucketName', 'PayloadBucketName', 'TrackingTopicArn', 'InboundTopicArn'],
} as const;

/** Key prefix of raw mail in the inbound bucket: RAW_MAIL_PREFIX of lib/inbound-pipeline.ts (not imported: the CLI does not load aws-cdk-lib). */
export const RAW_MAIL_PREFIX = 'raw/';

export async function resolveTarget(opts: TargetOptions, cwd: string, env: NodeJS.ProcessEnv): Promise<Target> {
  return opts.stack ? stackTarget(opts.stack, opts.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION) : localTarget(cwd, opts.region);
}

function localTarget(cwd: string, regionOverride: string | undefined): Target {
  const path = findLocalState(cwd);
  if (!path) {
    throw new CliError(
      'no local pipeline found (.mailroom/local.json is missing): run `npm start` first, or pass --stack NAME for a deployed stack',
      EXIT.usage,
    );
  }
  const state = readLocalState(path);
  const region = regionOverride ?? state.region;
  const clients = localClients(state.endpoints, region);
  return {
    kind: 'local',
    label: 'local',
    region,
    queues: state.queues,
    tables: state.tables,
    buckets: state.buckets,
    topics: {
      ...(state.topics?.sesEvents ? { sesEvents: state.topics.sesEvents } : {}),
      ...(state.topics?.inbound ? { inbound: state.topics.inbound } : {}),
    },
    inboundObjectPrefix: state.inboundObjectPrefix ?? RAW_MAIL_PREFIX,
    ...(state.outbox ? { outbox: state.outbox } : {}),
    clients,
    close: () => clients.destroy(),
  };
}

async function stackTarget(stackName: string, region: string | undefined): Promise<Target> {
  if (!region) throw new UsageError('--stack needs a region: pass --region or set AWS_REGION');
  const cfn = new CloudFormationClient({ region });
  let outputs: Record<string, string>;
  try {
    outputs = await readStackOutputs(cfn, stackName, STACK_OUTPUTS.required);
  } catch (error) {
    if (error instanceof StackOutputsError) throw new CliError(error.message, EXIT.failure, { cause: error });
    throw error;
  } finally {
    cfn.destroy();
  }
  const stackRegion = outputs.Region ?? region;
  const dynamodb = new DynamoDBClient({ region: stackRegion });
  const clients: TargetClients = {
    dynamodb,
    doc: DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } }),
    s3: new S3Client({ region: stackRegion }),
    sqs: new SQSClient({ region: stackRegion }),
    sns: new SNSClient({ region: stackRegion }),
  };
  return {
    kind: 'stack',
    label: stackName,
    region: stackRegion,
    queues: { email: outputs.EmailQueueUrl!, sms: outputs.SmsQueueUrl! },
    tables: {
      messages: outputs.MessagesTableName!,
      events: outputs.EventsTableName!,
      inbound: outputs.InboundTableName!,
      suppressions: outputs.SuppressionsTableName!,
    },
    buckets: {
      ...(outputs.InboundBucketName ? { inbound: outputs.InboundBucketName } : {}),
      ...(outputs.PayloadBucketName ? { payload: outputs.PayloadBucketName } : {}),
    },
    topics: {
      ...(outputs.TrackingTopicArn ? { sesEvents: outputs.TrackingTopicArn } : {}),
      ...(outputs.InboundTopicArn ? { inbound: outputs.InboundTopicArn } : {}),
    },
    inboundObjectPrefix: RAW_MAIL_PREFIX,
    clients,
    close: () => {
      for (const c of [dynamodb, clients.s3, clients.sqs, clients.sns]) c.destroy();
    },
  };
}
