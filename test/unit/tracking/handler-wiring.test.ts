import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../../src/errors.js';

// The entries are middy chains; Lambda always passes a context, and the middlewares read it.
const context = { functionName: 'test', awsRequestId: 'r', getRemainingTimeInMillis: () => 30_000 } as unknown as Context;

afterEach(() => vi.unstubAllEnvs());

describe('tracking handler modules', () => {
  it('import without any environment, and report missing configuration on the first call, listing it', async () => {
    vi.stubEnv('MAILROOM_MESSAGES_TABLE', '');
    vi.stubEnv('MAILROOM_SUPPRESSIONS_TABLE', '');
    const tracking = await import('../../../lambdas/tracking/handler.js');
    const sms = await import('../../../lambdas/tracking/sms-status.js');
    expect(typeof tracking.handler).toBe('function');
    await expect(tracking.handler({ Records: [] }, context)).rejects.toBeInstanceOf(ConfigError);
    await expect(sms.handler({ awslogs: { data: '' } }, context)).rejects.toThrow(/MAILROOM_MESSAGES_TABLE/);
  });

  it('require the events table', async () => {
    vi.stubEnv('MAILROOM_MESSAGES_TABLE', 'm');
    vi.stubEnv('MAILROOM_SUPPRESSIONS_TABLE', 's');
    vi.stubEnv('MAILROOM_EVENTS_TABLE', undefined);
    vi.resetModules();
    const { handler } = await import('../../../lambdas/tracking/sms-status.js');
    await expect(handler({ awslogs: { data: '' } }, context)).rejects.toThrow(/MAILROOM_EVENTS_TABLE: required/);
  });

  it('flush their metrics through the middleware chain, in the namespace the stack configures, with a cold-start metric', async () => {
    // Prepare
    vi.stubEnv('MAILROOM_MESSAGES_TABLE', 'm');
    vi.stubEnv('MAILROOM_SUPPRESSIONS_TABLE', 's');
    vi.stubEnv('MAILROOM_EVENTS_TABLE', 'e');
    vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', 'AcmeMail');
    vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand'); // Powertools counts no cold start otherwise (provisioned)
    vi.resetModules();
    const lines: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (lines.push(String(chunk)), true));
    const { handler } = await import('../../../lambdas/tracking/sms-status.js');
    // Act: not a CloudWatch Logs payload, dropped and counted
    await handler({ awslogs: { data: 'bm90IGd6aXA=' } }, context);
    write.mockRestore();
    // Assess
    const emf = lines
      .flatMap((l) => l.split('\n'))
      .filter((l) => l.includes('"_aws"'))
      .map((l) => JSON.parse(l) as { _aws: { CloudWatchMetrics: { Namespace: string; Metrics: { Name: string }[] }[] } });
    const metrics = emf.flatMap((e) => e._aws.CloudWatchMetrics.map((m) => [m.Namespace, m.Metrics.map((x) => x.Name).join()]));
    expect(metrics).toContainEqual(['AcmeMail', 'SmsStatusPayloadInvalid']);
    expect(metrics).toContainEqual(['AcmeMail', 'ColdStart']);
  });
});
