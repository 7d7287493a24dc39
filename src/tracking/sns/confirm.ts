/**
 * SubscriptionConfirmation and UnsubscribeConfirmation messages (HTTPS subscriptions only;
 * Lambda subscriptions are confirmed by SNS itself).
 *
 * A genuine confirmation from an allowed topic is confirmed with the ConfirmSubscription API,
 * called in the topic's own region (parsed from its ARN, partition included) with
 * AuthenticateOnUnsubscribe so that only the topic or subscription owner can unsubscribe us.
 * SubscribeURL is never fetched: it is a URL chosen by whoever sent the message.
 * https://docs.aws.amazon.com/sns/latest/api/API_ConfirmSubscription.html
 *
 * From a topic not on the allowlist it is refused before anything touches the network (no
 * certificate fetch: anyone can post one to a public URL), so its token is unverified and is
 * not logged; the operator is told the topic and how to have SNS send the confirmation again
 * once the topic is allowed. A confirmation that fails for good after verification is logged
 * with its (genuine) token and a ready-to-run CLI command. An UnsubscribeConfirmation is
 * verified and logged.
 */
import { ConfirmSubscriptionCommand, type SNSClient } from '@aws-sdk/client-sns';
import { parseTopicArn } from './arn.js';
import type { SnsControlEnvelope, SnsSubscriptionConfirmation } from './envelope.js';
import { SnsConfirmationError, SnsVerificationError } from './errors.js';
import { reportRefusal, type SnsRefusalDeps } from './refusals.js';
import type { SnsVerifier } from './verify.js';

export type SubscriptionControlResult = 'confirmed' | 'refused' | 'logged';

export interface SubscriptionControlDeps extends SnsRefusalDeps {
  readonly verifier: SnsVerifier;
  /** An SNS client for the given region (the topic's), with the Lambda role's credentials. */
  readonly snsClientForRegion: (region: string) => SNSClient;
}

/**
 * Verifies and acts on a confirmation message. Refusals are logged, counted and returned as
 * 'refused' (never thrown); a ConfirmSubscription that fails for good (expired or unknown
 * token, deleted topic, missing permission) is logged with the token and returns 'logged'.
 * Throws only what is worth a retry: `SnsCertificateUnavailableError`, `SnsConfirmationError`.
 */
export async function handleSubscriptionControl(
  envelope: SnsControlEnvelope,
  deps: SubscriptionControlDeps,
): Promise<SubscriptionControlResult> {
  return (await controlOutcome(envelope, deps)).result;
}

/** As `handleSubscriptionControl`, also returning the refusal (already reported) for callers that throw it. */
export async function controlOutcome(
  envelope: SnsControlEnvelope,
  deps: SubscriptionControlDeps,
  options: { maxAgeSeconds?: number } = {},
): Promise<{ result: SubscriptionControlResult; refusal?: SnsVerificationError }> {
  const { logger } = deps;
  try {
    await deps.verifier.verify(envelope, options);
  } catch (error) {
    if (!(error instanceof SnsVerificationError)) throw error;
    reportRefusal(error, envelope, deps);
    if (envelope.Type === 'SubscriptionConfirmation' && error.reason === 'topic_not_allowed') {
      logger.warn(
        'SNS subscription from a topic not on the allowlist: not confirmed (signature not checked). To accept it, add the topic, then have SNS send the confirmation again (console: Request confirmation; or subscribe again)',
        {
          topicArn: envelope.TopicArn,
          messageId: envelope.MessageId,
        },
      );
    }
    return { result: 'refused', refusal: error };
  }

  if (envelope.Type === 'UnsubscribeConfirmation') {
    // SubscribeURL here re-subscribes (cancels the unsubscribe); logged for the operator, not visited.
    logger.info('SNS UnsubscribeConfirmation received: this endpoint was unsubscribed from the topic', {
      topicArn: envelope.TopicArn,
      messageId: envelope.MessageId,
      timestamp: envelope.Timestamp,
      subscribeUrl: envelope.SubscribeURL,
    });
    return { result: 'logged' };
  }
  return { result: await confirm(envelope, deps) };
}

async function confirm(envelope: SnsSubscriptionConfirmation, deps: SubscriptionControlDeps): Promise<'confirmed' | 'logged'> {
  // The schema only admits parseable topic ARNs, so this is defined.
  const topic = parseTopicArn(envelope.TopicArn)!;
  if (deps.verifier.skipSignatureCheck) {
    deps.logger.warn('Confirming an SNS subscription without signature or allowlist check (replay vouched for by the operator)', {
      topicArn: envelope.TopicArn,
      messageId: envelope.MessageId,
    });
  }
  try {
    const response = await deps
      .snsClientForRegion(topic.region)
      .send(new ConfirmSubscriptionCommand({ TopicArn: envelope.TopicArn, Token: envelope.Token, AuthenticateOnUnsubscribe: 'true' }));
    deps.logger.info('SNS subscription confirmed', {
      topicArn: envelope.TopicArn,
      region: topic.region,
      subscriptionArn: response.SubscriptionArn,
      messageId: envelope.MessageId,
    });
    return 'confirmed';
  } catch (error) {
    if (isTransient(error)) {
      throw new SnsConfirmationError(envelope.TopicArn, errorText(error), { cause: error });
    }
    // Tokens are valid for 3 days; a re-delivered or replayed confirmation after that (or for a
    // deleted topic, or without sns:ConfirmSubscription) fails the same way every time, so it is
    // logged for the operator and not retried.
    deps.logger.error('SNS subscription could not be confirmed; confirm by hand or re-subscribe', {
      ...confirmationDetails(envelope),
      error: errorText(error),
    });
    return 'logged';
  }
}

function confirmationDetails(envelope: SnsSubscriptionConfirmation): Record<string, unknown> {
  const region = parseTopicArn(envelope.TopicArn)?.region ?? 'unknown';
  return {
    topicArn: envelope.TopicArn,
    messageId: envelope.MessageId,
    timestamp: envelope.Timestamp,
    token: envelope.Token,
    subscribeUrl: envelope.SubscribeURL,
    confirmCommand: `aws sns confirm-subscription --region ${region} --topic-arn ${envelope.TopicArn} --token ${envelope.Token} --authenticate-on-unsubscribe true`,
  };
}

/** SDK errors carry `$fault` and `$retryable`; anything without `$metadata` is a network failure. */
function isTransient(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { $fault?: string; $retryable?: unknown; $metadata?: unknown; name?: string };
  if (e.$fault === 'server' || e.$retryable) return true;
  if (e.name === 'ThrottledException' || e.name === 'Throttling' || e.name === 'ThrottlingException') return true;
  return e.$metadata === undefined;
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
