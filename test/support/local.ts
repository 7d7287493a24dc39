/**
 * Per-suite access to the local servers the global setup started: clients, plus a fresh set
 * of tables/queues/buckets under a unique prefix so suites running in parallel never share
 * data.
 */
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { type LocalClients, localClients } from '../../src/local/clients.js';
import { type LocalResources, provisionLocal } from '../../src/local/provision.js';
import type { LocalEndpoints } from '../../src/local/servers.js';

export interface LocalEnv {
  readonly endpoints: LocalEndpoints;
  readonly clients: LocalClients;
  readonly resources: LocalResources;
}

export async function localEnv(opts: { maxReceiveCount?: number; visibilityTimeout?: number } = {}): Promise<LocalEnv> {
  const endpoints = inject('endpoints');
  const clients = localClients(endpoints);
  const prefix = `t${randomUUID().slice(0, 8)}`;
  const resources = await provisionLocal(clients, prefix, opts);
  return { endpoints, clients, resources };
}
