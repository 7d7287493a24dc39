/** Puts a fake together: message log, faults, control API and provider API on one server. */
import { type ControlOptions, controlHandler } from './control.js';
import { Faults } from './faults.js';
import { type FakeResponse, type FakeServer, type Handler, startFakeServer } from './http.js';
import { MessageLog } from './log.js';

export interface HttpFakeParts {
  readonly port?: number;
  readonly instance: string;
  readonly webhookBaseUrl?: string;
  readonly log: MessageLog;
  readonly api: Handler;
  readonly faultResponse: (status: number) => FakeResponse;
  readonly buildWebhook: ControlOptions['buildWebhook'];
}

export async function startHttpFake(parts: HttpFakeParts): Promise<FakeServer> {
  const faults = new Faults();
  return startFakeServer({
    port: parts.port,
    api: parts.api,
    faults,
    faultResponse: parts.faultResponse,
    control: controlHandler({ ...parts, faults }),
  });
}

export { MessageLog };
