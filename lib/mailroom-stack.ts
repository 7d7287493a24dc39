/**
 * The Mailroom stack: a thin Stack around the Mailroom construct (./mailroom.ts), which holds
 * the whole pipeline and the outputs the CLI (`mailroom --stack NAME`) reads. Environment-
 * agnostic, so it synthesizes without an AWS account. The construct's id is `Default`, which
 * CDK leaves out of logical IDs, so the resources keep the ids they had when they were built
 * directly in the stack.
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { MailroomConfig } from './config.js';
import type { InboundPipeline } from './inbound-pipeline.js';
import { Mailroom } from './mailroom.js';
import type { SendPipeline } from './send-pipeline.js';
import type { MailroomTables } from './tables.js';
import type { TrackingPipeline } from './tracking-pipeline.js';

export { OUTPUT_KEYS, type OutputKey } from './mailroom.js';

export interface MailroomStackProps extends StackProps {
  /** Resolved configuration (lib/config.ts `resolveConfig`). */
  readonly config: MailroomConfig;
}

export class MailroomStack extends Stack {
  public readonly mailroom: Mailroom;
  public readonly config: MailroomConfig;
  public readonly tables: MailroomTables;
  public readonly tracking: TrackingPipeline;
  public readonly send: SendPipeline;
  public readonly inbound?: InboundPipeline;
  public readonly alarmTopic?: sns.ITopic;
  /** Customer-managed key of config encryption.dataKey (absent: AWS-managed keys). */
  public readonly dataKey?: kms.IKey;

  constructor(scope: Construct, id: string, props: MailroomStackProps) {
    super(scope, id, {
      description: 'Mailroom: email and SMS sending, tracking and inbound mail on SES, SNS, SQS, Lambda and DynamoDB',
      ...props,
    });
    const mailroom = new Mailroom(this, 'Default', props.config);
    this.mailroom = mailroom;
    ({ config: this.config, tables: this.tables, tracking: this.tracking, send: this.send } = mailroom);
    this.inbound = mailroom.inbound;
    this.alarmTopic = mailroom.alarmTopic;
    this.dataKey = mailroom.dataKey;
  }
}
