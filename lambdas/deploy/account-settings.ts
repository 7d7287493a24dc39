/**
 * Custom resource handler (invoked by CloudFormation through its ServiceToken) for the
 * account-wide settings of src/deploy/account-settings.ts. It answers CloudFormation itself,
 * with a PUT of the result to the pre-signed ResponseURL
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html).
 */
import { SESClient } from '@aws-sdk/client-ses';
import { SNSClient } from '@aws-sdk/client-sns';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import {
  type AccountSettingsClients,
  applyAccountSetting,
  parseAccountSetting,
  undoAccountSetting,
} from '../../src/deploy/account-settings.js';

let clients: AccountSettingsClients | undefined;

export async function handler(event: CloudFormationCustomResourceEvent): Promise<void> {
  clients ??= { ses: new SESClient({}), sns: new SNSClient({}) };
  const { ServiceToken: _token, ...properties } = event.ResourceProperties;
  // One physical id per setting: an update (a renamed rule set) is never followed by a
  // delete of the "old" resource that would undo the new value.
  const physicalId = `mailroom-${String(properties.Setting)}`;
  let status: 'SUCCESS' | 'FAILED' = 'SUCCESS';
  let reason = 'ok';
  try {
    const setting = parseAccountSetting(properties);
    if (event.RequestType === 'Delete') reason = await undoAccountSetting(clients, setting);
    else await applyAccountSetting(clients, setting);
  } catch (error) {
    status = 'FAILED';
    reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
  console.log(JSON.stringify({ requestType: event.RequestType, setting: properties.Setting, status, reason }));
  const response = await fetch(event.ResponseURL, {
    method: 'PUT',
    body: JSON.stringify({
      Status: status,
      Reason: reason,
      PhysicalResourceId: physicalId,
      StackId: event.StackId,
      RequestId: event.RequestId,
      LogicalResourceId: event.LogicalResourceId,
    }),
  });
  if (!response.ok) throw new Error(`CloudFormation response rejected: HTTP ${response.status}`);
}
