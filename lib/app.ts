/**
 * Builds the CDK app: configuration from the `mailroom` context (plus optional overrides),
 * the Mailroom stack, and the cdk-nag AwsSolutions and Serverless checks registered as CDK policy-
 * validation plugin (cdk-nag 3), so an unacknowledged finding fails `cdk synth`.
 * Acknowledgements are also written into the template metadata (`cdk_nag`) as an audit trail.
 * bin/app.ts and the infra tests both build the app here, so the tests check what deploys.
 */
import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { MailroomConfigInput } from './config.js';
import { CONTEXT_KEY, resolveConfig } from './config.js';
import { MailroomStack } from './mailroom-stack.js';

export interface MailroomAppOptions extends AppProps {
  /** Override the `mailroom` context (tests, programmatic use). */
  readonly config?: MailroomConfigInput;
}

export function createMailroomApp(options: MailroomAppOptions = {}): { app: App; stack: MailroomStack } {
  const { config: overrides, ...appProps } = options;
  const app = new App(appProps);
  const config = resolveConfig(app.node.tryGetContext(CONTEXT_KEY), overrides);
  const stack = new MailroomStack(app, config.stackName, { stackName: config.stackName, config });
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
    new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
  );
  return { app, stack };
}
