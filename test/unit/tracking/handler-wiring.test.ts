import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../../src/errors.js';

afterEach(() => vi.unstubAllEnvs());

describe('tracking handler modules', () => {
  it('import without any environment, and report missing configuration on the first call, listing it', async () => {
    vi.stubEnv('MAILROOM_MESSAGES_TABLE', '');
    vi.stubEnv('MAILROOM_SUPPRESSIONS_TABLE', '');
    const tracking = await import('../../../lambdas/tracking/handler.js');
    const sms = await import('../../../lambdas/tracking/sms-status.js');
    expect(typeof tracking.createTrackingHandler).toBe('function');
    await expect(tracking.handler({ Records: [] })).rejects.toBeInstanceOf(ConfigError);
    await expect(sms.handler({ awslogs: { data: '' } })).rejects.toThrow(/MAILROOM_MESSAGES_TABLE/);
  });

  it('require the events table', async () => {
    vi.stubEnv('MAILROOM_MESSAGES_TABLE', 'm');
    vi.stubEnv('MAILROOM_SUPPRESSIONS_TABLE', 's');
    vi.stubEnv('MAILROOM_EVENTS_TABLE', undefined);
    vi.resetModules();
    const { handler } = await import('../../../lambdas/tracking/sms-status.js');
    await expect(handler({ awslogs: { data: '' } })).rejects.toThrow(/MAILROOM_EVENTS_TABLE: required/);
  });
});
