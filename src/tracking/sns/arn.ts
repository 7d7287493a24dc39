/**
 * AWS partitions, regions and SNS topic ARNs, as far as SNS message handling needs them.
 *
 * Only the three public partitions are supported: `aws`, `aws-cn` (China, DNS suffix
 * amazonaws.com.cn) and `aws-us-gov` (GovCloud, DNS suffix amazonaws.com). The isolated
 * partitions (aws-iso*, aws-eusc) are not reachable from a Mailroom deployment elsewhere and
 * their certificate hosts are not accepted.
 * Partition metadata: https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html
 * ARN format: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsns.html#amazonsns-resources-for-iam-policies
 */

export type AwsPartition = 'aws' | 'aws-cn' | 'aws-us-gov';

/** Region names of the three public partitions: `us-east-1`, `cn-north-1`, `us-gov-west-1`. */
export const REGION_PATTERN = /^[a-z]{2}(?:-gov)?-[a-z]+-\d{1,2}$/;

export function partitionOfRegion(region: string): AwsPartition | undefined {
  if (!REGION_PATTERN.test(region)) return undefined;
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

export function dnsSuffixOf(partition: AwsPartition): string {
  return partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
}

export interface TopicArn {
  readonly arn: string;
  readonly partition: AwsPartition;
  readonly region: string;
  readonly accountId: string;
  readonly name: string;
}

// Topic names: 1-256 of [A-Za-z0-9_-], FIFO topics end in `.fifo`.
const TOPIC_ARN = /^arn:(aws|aws-cn|aws-us-gov):sns:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,256}(?:\.fifo)?)$/;

/** Parses an SNS topic ARN; undefined when it is not one (or names a region outside its partition). */
export function parseTopicArn(arn: string): TopicArn | undefined {
  const m = TOPIC_ARN.exec(arn);
  if (!m) return undefined;
  const [, partition, region, accountId, name] = m as unknown as [string, AwsPartition, string, string, string];
  if (partitionOfRegion(region) !== partition) return undefined;
  return { arn, partition, region, accountId, name };
}
