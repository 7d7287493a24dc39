// A user's CDK app: their own stack, with the whole Mailroom pipeline inside it. Copied into
// a temporary directory outside the repository by ../pack.test.ts, with `mailroom` installed
// from the packed tarball. The context is what `cdk init` writes into cdk.json (feature flags).
import { readFileSync } from 'node:fs';
import { App, CfnOutput, Stack } from 'aws-cdk-lib';
import { Mailroom } from 'mailroom';

const { context } = JSON.parse(readFileSync(new URL('./cdk.json', import.meta.url), 'utf8'));
const app = new App({ outdir: 'cdk.out', context });
const stack = new Stack(app, 'Shop');
const mail = new Mailroom(stack, 'Mail', { ses: { fromDomain: 'shop.example' }, tracking: { httpsEndpoint: true } });
new CfnOutput(stack, 'OrdersQueue', { value: mail.send.email.queue.queueUrl });
app.synth();
