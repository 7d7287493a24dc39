/**
 * `mailroom`, the package's main export: the Mailroom construct (the whole pipeline inside
 * your own stack), MailroomStack (a stack holding just that), the app `cdk synth` builds, and
 * the configuration they take. The producer client is `mailroom/client`; the message
 * contract `mailroom/contract`.
 */

export { ConfigError, MailroomError } from '../src/errors.js';
export { createMailroomApp, type MailroomAppOptions } from './app.js';
export type * from './config.js';
export { CONTEXT_KEY, resolveConfig } from './config.js';
export { InboundPipeline } from './inbound-pipeline.js';
export { Mailroom, type MailroomProps, OUTPUT_KEYS, type OutputKey } from './mailroom.js';
export { MailroomStack, type MailroomStackProps } from './mailroom-stack.js';
export { SendPipeline } from './send-pipeline.js';
export { MailroomTables } from './tables.js';
export { TrackingPipeline } from './tracking-pipeline.js';
