import type { TestProject } from 'vitest/node';
import { type LocalEndpoints, startLocalServers } from '../../src/local/servers.js';

declare module 'vitest' {
  export interface ProvidedContext {
    endpoints: LocalEndpoints;
  }
}

/** Starts DynamoDB Local, s3rver, aws-ses-v2-local and fauxqs once for all integration tests. */
export default async function setup(project: TestProject) {
  const servers = await startLocalServers();
  project.provide('endpoints', servers.endpoints);
  return async () => {
    await servers.stop();
  };
}
