/**
 * Which `SigningCertURL`s we fetch, and which names the certificate behind them must carry.
 *
 * The URL must be exactly `https://sns.<region>.amazonaws.com/<name>.pem` (China:
 * `sns.<region>.amazonaws.com.cn`; GovCloud regions use amazonaws.com), in canonical form: no
 * userinfo, no port, no query or fragment, no percent-escapes, nothing the WHATWG URL parser
 * would rewrite (upper case, backslashes, dot segments, tabs). Anything else is refused before
 * any network access, so a forged message cannot make us fetch from a host of its choosing.
 * Endpoints: https://docs.aws.amazon.com/general/latest/gr/sns.html
 */
import { type AwsPartition, dnsSuffixOf, partitionOfRegion, REGION_PATTERN } from './arn.js';
import { SnsVerificationError } from './errors.js';

const HOST = /^sns\.([a-z]{2}(?:-gov)?-[a-z]+-\d{1,2})\.(amazonaws\.com(?:\.cn)?)$/;
const PATH = /^(?:\/[A-Za-z0-9_.-]+)*\/[A-Za-z0-9_-][A-Za-z0-9_.-]*\.pem$/;

export interface SigningCertUrl {
  readonly href: string;
  readonly region: string;
  readonly partition: AwsPartition;
}

/** Validates a SigningCertURL; throws `SnsVerificationError('cert_url')` when we must not fetch it. */
export function parseSigningCertUrl(raw: string, context: { messageId?: string; topicArn?: string } = {}): SigningCertUrl {
  const refuse = (why: string): never => {
    throw new SnsVerificationError('cert_url', `SigningCertURL refused (${why}): ${raw.slice(0, 300)}`, context);
  };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse('not a URL');
  }
  if (url.protocol !== 'https:') refuse('not https');
  if (url.username !== '' || url.password !== '') refuse('userinfo');
  if (url.port !== '') refuse('explicit port');
  if (url.search !== '' || url.hash !== '') refuse('query or fragment');
  if (url.href !== raw) refuse('not in canonical form');
  const host = HOST.exec(url.hostname);
  if (!host) return refuse('host is not an SNS regional endpoint');
  const [, region, suffix] = host as unknown as [string, string, string];
  const partition = partitionOfRegion(region);
  if (!partition || dnsSuffixOf(partition) !== suffix) return refuse(`region ${region} is not served from ${suffix}`);
  if (!PATH.test(url.pathname)) refuse('path is not a .pem file');
  return { href: url.href, region, partition };
}

/**
 * DNS names (checked against the SAN, or the subject CN when there is no SAN) that an SNS
 * signing certificate for `region` may carry. Genuine certificates observed: us-* / eu-west-*
 * and the other original regions carry `sns.amazonaws.com`; opt-in regions (af-south-1,
 * ap-east-1, me-south-1, ...) carry `sns-signing.<region>.amazonaws.com`; China
 * `sns-<region>.amazonaws.com.cn`; both GovCloud regions `sns-us-gov-west-1.amazonaws.com`
 * (table in the AWS SDK for Java v2, `SnsHostProvider`:
 * https://github.com/aws/aws-sdk-java-v2/blob/master/services-custom/sns-message-manager/src/main/java/software/amazon/awssdk/messagemanager/sns/internal/SnsHostProvider.java).
 * We accept the union of those patterns for every region of the partition rather than one name
 * per region: every name is an SNS name in an Amazon-owned domain, so this is just as safe,
 * and it keeps working when AWS opens a region or moves one to the `sns-signing` scheme.
 */
export function expectedCertificateNames(region: string): readonly string[] {
  if (!REGION_PATTERN.test(region)) return [];
  const partition = partitionOfRegion(region);
  switch (partition) {
    case 'aws-cn':
      return [`sns-${region}.amazonaws.com.cn`, `sns-signing.${region}.amazonaws.com.cn`, 'sns.amazonaws.com.cn'];
    case 'aws-us-gov':
      return ['sns-us-gov-west-1.amazonaws.com', `sns-${region}.amazonaws.com`, `sns-signing.${region}.amazonaws.com`, 'sns.amazonaws.com'];
    case 'aws':
      return ['sns.amazonaws.com', `sns-signing.${region}.amazonaws.com`];
    default:
      return [];
  }
}
