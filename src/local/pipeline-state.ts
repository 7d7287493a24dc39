/** Step 5 of the local pipeline (./pipeline.ts): what `<stateDir>/local.json` says (./state.ts). */
import type { PipelineResources } from './pipeline-resources.js';
import type { LocalEndpoints } from './servers.js';
import type { LocalState } from './state.js';

export interface LocalStateInput {
  readonly region: string;
  readonly endpoints: LocalEndpoints;
  readonly resources: PipelineResources;
  readonly prefix: string;
  readonly outboxPath: string;
  readonly inboundObjectPrefix: string;
}

export function localState({ region, endpoints, resources, prefix, outboxPath, inboundObjectPrefix }: LocalStateInput): LocalState {
  const { queues, tables, buckets, tracking } = resources;
  return {
    region,
    endpoints: { sqs: endpoints.sqs, sns: endpoints.sns, dynamodb: endpoints.dynamodb, s3: endpoints.s3, sesv2: endpoints.sesv2 },
    queues: { email: queues.email.url, sms: queues.sms.url },
    tables: { ...tables },
    buckets: { inbound: buckets.inbound, payload: buckets.payload },
    ui: `${endpoints.sesv2}/`,
    prefix,
    dlqs: { email: queues.email.dlqUrl, sms: queues.sms.dlqUrl },
    topics: { sesEvents: tracking.topicArn },
    inboundObjectPrefix,
    outbox: outboxPath,
    pid: process.pid,
    startedAt: new Date().toISOString(),
  };
}
