/**
 * A deployed Mailroom's CloudFormation outputs (lib/mailroom.ts OUTPUT_KEYS), read by the CLI
 * (`--stack NAME`) and by `MailroomClient.fromStack`.
 */
import { type CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { MailroomError } from '../errors.js';

/** The stack cannot be read, or it lacks an output a caller requires. */
export class StackOutputsError extends MailroomError {}

/** The stack's outputs by OutputKey; throws StackOutputsError when one of `required` is missing. */
export async function readStackOutputs(
  cfn: CloudFormationClient,
  stackName: string,
  required: readonly string[],
): Promise<Record<string, string>> {
  let outputs: Record<string, string>;
  try {
    const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
    outputs = Object.fromEntries(
      (Stacks?.[0]?.Outputs ?? []).flatMap((o) => (o.OutputKey && o.OutputValue ? [[o.OutputKey, o.OutputValue]] : [])),
    );
  } catch (cause) {
    const region = await cfn.config.region().catch(() => 'an unknown region');
    throw new StackOutputsError(`cannot read stack ${stackName} in ${region}: ${(cause as Error).message}`, { cause });
  }
  const missing = required.filter((k) => !outputs[k]);
  if (missing.length) throw new StackOutputsError(`stack ${stackName} has no output ${missing.join(', ')}: is it a Mailroom stack?`);
  return outputs;
}
