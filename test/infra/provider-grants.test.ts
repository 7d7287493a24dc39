/**
 * The send roles get what their configured provider instances need, and nothing for a
 * provider the channel does not use: grants come from each instance's kind, secrets are
 * readable one by one.
 */
import { ArnFormat } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { findings, resolve, resourcesFor, roleStatements, type Synthesized, sortJson, synthMailroom } from './support.js';

let s: Synthesized;
beforeAll(() => {
  s = synthMailroom({
    ses: { identities: ['acme.io'], fromDomain: 'acme.io' },
    providers: { 'ses-eu': { kind: 'ses', configurationSet: 'eu-set', secret: 'mailroom/ses-eu' } },
    email: { provider: 'ses-eu' },
    sms: { allowedCountries: ['GB'] },
  });
}, 600_000);

describe('provider grants from configuration', () => {
  it('grants SES sending through the instance in use only: its configuration set, not the unused built-in ses', () => {
    // Prepare
    const statements = roleStatements(s.template, s.stack.send.email.function.role);
    const arn = (resource: string, name: string) => resolve(s.stack, s.stack.formatArn({ service: 'ses', resource, resourceName: name }));

    // Assess
    expect(sortJson(resourcesFor(statements, 'ses:SendEmail'))).toEqual(
      sortJson([arn('identity', 'acme.io'), arn('configuration-set', 'eu-set')]),
    );
    expect(statements.map((x) => x.Sid)).toContain('SendAsConfiguredIdentitiesseseu');
  });

  it("lets a role read exactly its instances' secrets, and the other channel none", () => {
    // Prepare
    const email = roleStatements(s.template, s.stack.send.email.function.role);
    const sms = roleStatements(s.template, s.stack.send.sms.function.role);
    const secretArn = resolve(
      s.stack,
      s.stack.formatArn({
        service: 'secretsmanager',
        resource: 'secret',
        resourceName: 'mailroom/ses-eu-??????',
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
    );

    // Assess
    expect(resourcesFor(email, 'secretsmanager:GetSecretValue')).toEqual([secretArn]);
    expect(resourcesFor(sms, 'secretsmanager:GetSecretValue')).toEqual([]);
    expect(resourcesFor(sms, 'ses:SendEmail')).toEqual([]);
  });

  it('stays cdk-nag clean', () => {
    expect(findings(s.report).filter((f) => !f.includes('mailroom:email-allowed-from'))).toEqual([]);
  });
});
