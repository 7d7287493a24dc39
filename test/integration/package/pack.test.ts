/**
 * The package as a user gets it (docs/contract.md §8a): `npm pack`, the tarball installed into a new
 * CDK app in the OS temp directory (outside the repository, so nothing resolves from it),
 * a user stack holding `new Mailroom(...)` synthesized with esbuild not installed, and a
 * producer using `mailroom/client` type-checked with tsc and run against the local queues.
 * Packing builds dist/ (tsc + the Lambda bundles) while the app installs aws-cdk-lib; 1.5-3.5
 * minutes, depending on the load.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DeleteMessageCommand, type Message, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAMBDA_ENTRIES, needsTables, TABLES_DIR } from '../../../lib/bundling.js';
import { prebundledName } from '../../../lib/defaults.js';
import { deriveId } from '../../../src/contract/validator.js';
import { LOCAL_REGION } from '../../../src/local/clients.js';
import { type LocalEnv, localEnv } from '../../support/local.js';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../../../', import.meta.url));
const fixture = fileURLToPath(new URL('./consumer-app/', import.meta.url));
const repoPackage = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
  devDependencies: Record<string, string>;
  dependencies: Record<string, string>;
};
const npmOptions = ['--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'];
const SETUP_MS = 300_000;

let work: string;
let app: string;
let tarball: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'mailroom-pack-'));
  app = join(work, 'app');
  mkdirSync(app);
  cpSync(fixture, app, { recursive: true });
  const { mailroom: _ignored, ...flags } = (
    JSON.parse(readFileSync(join(repo, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }
  ).context;
  writeFileSync(join(app, 'cdk.json'), JSON.stringify({ app: 'node app.mjs', context: flags }, null, 2));
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify(
      {
        name: 'shop',
        private: true,
        type: 'module',
        dependencies: {
          'aws-cdk-lib': repoPackage.devDependencies['aws-cdk-lib'],
          constructs: repoPackage.devDependencies.constructs,
          '@aws-sdk/client-sqs': repoPackage.dependencies['@aws-sdk/client-sqs'],
        },
        devDependencies: { '@types/node': repoPackage.devDependencies['@types/node'] },
      },
      null,
      2,
    ),
  );
  // The app's own dependencies install while npm pack builds dist/ (prepack, as before a publish); then the tarball.
  const [, packed] = await Promise.all([
    run('npm', ['install', ...npmOptions], { cwd: app, maxBuffer: 16 * 1024 * 1024 }),
    run('npm', ['pack', '--pack-destination', work, '--loglevel=error'], { cwd: repo, maxBuffer: 16 * 1024 * 1024 }),
  ]);
  tarball = join(work, packed.stdout.trim().split('\n').pop()!);
  await run('npm', ['install', tarball, ...npmOptions], { cwd: app, maxBuffer: 16 * 1024 * 1024 });
}, SETUP_MS);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed package in a CDK app outside the repository', () => {
  it('ships compiled code, declarations, pre-bundled Lambdas and the JSON Schema, and no TypeScript source', () => {
    const installed = join(app, 'node_modules', 'mailroom');
    expect(existsSync(join(installed, 'src'))).toBe(false);
    expect(existsSync(join(installed, 'lib'))).toBe(false);
    for (const file of [
      'dist/lib/index.js',
      'dist/lib/index.d.ts',
      'dist/src/client/index.d.ts',
      'dist/src/contract/index.d.ts',
      'schema/message-v1.schema.json',
    ]) {
      expect(existsSync(join(installed, file)), file).toBe(true);
    }
    // Every Lambda entry of the stack, so an opt-in resource (the account-settings custom
    // resource) synthesizes without esbuild too.
    expect(readdirSync(join(installed, 'dist', 'lambdas')).sort()).toEqual(Object.values(LAMBDA_ENTRIES).map(prebundledName).sort());
    expect(Object.keys(LAMBDA_ENTRIES).length).toBeGreaterThanOrEqual(7);
    // The mail-parsing bundles load iconv's double-byte tables from beside index.mjs (lib/bundling.ts).
    for (const name of readdirSync(join(installed, 'dist', 'lambdas'))) {
      const code = readFileSync(join(installed, 'dist', 'lambdas', name, 'index.mjs'), 'utf8');
      expect(existsSync(join(installed, 'dist', 'lambdas', name, TABLES_DIR, 'big5-added.json')), name).toBe(needsTables(code));
    }
    expect(needsTables(readFileSync(join(installed, 'dist', 'lambdas', 'inbound-handler', 'index.mjs'), 'utf8'))).toBe(true);
    const schema = createRequire(join(app, 'package.json'))('mailroom/schema/message-v1.schema.json') as { title: string };
    expect(schema.title).toBe('Mailroom message v1');
  });

  it(
    'synthesizes a user stack holding new Mailroom(...) with no esbuild, from pre-bundled assets',
    async () => {
      expect(() => createRequire(join(app, 'package.json')).resolve('esbuild')).toThrow();

      await run(process.execPath, ['app.mjs'], { cwd: app });

      const template = JSON.parse(readFileSync(join(app, 'cdk.out', 'Shop.template.json'), 'utf8')) as {
        Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
        Outputs: Record<string, unknown>;
      };
      expect(Object.keys(template.Outputs)).toEqual(expect.arrayContaining(['EmailQueueUrl', 'SmsQueueUrl', 'OrdersQueue']));
      const handlers = Object.values(template.Resources).filter(
        (r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Handler === 'index.handler' && r.Properties.Runtime === 'nodejs24.x',
      );
      expect(handlers).toHaveLength(6);
      // Each Lambda's asset in the assembly is the package's own bundle, byte for byte.
      const prebundled = readdirSync(join(app, 'node_modules', 'mailroom', 'dist', 'lambdas')).map((name) =>
        readFileSync(join(app, 'node_modules', 'mailroom', 'dist', 'lambdas', name, 'index.mjs'), 'utf8'),
      );
      const assets = readdirSync(join(app, 'cdk.out')).filter((d) => existsSync(join(app, 'cdk.out', d, 'index.mjs')));
      const assetCode = assets.map((d) => readFileSync(join(app, 'cdk.out', d, 'index.mjs'), 'utf8'));
      expect(assetCode.filter((code) => prebundled.includes(code))).toHaveLength(6);
    },
    SETUP_MS,
  );

  describe('a producer using mailroom/client', () => {
    let env: LocalEnv;
    let output: { sent: { id: string }; batch: unknown[]; refused: { path: string; message: string }[]; schemaAccepts: boolean };

    beforeAll(async () => {
      env = await localEnv();
      // tsc type-checks against the installed declarations (strict, library checks on) and emits build/producer.js.
      await run(process.execPath, [join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: app });
      const target = {
        emailQueueUrl: env.resources.queues.email.url,
        smsQueueUrl: env.resources.queues.sms.url,
        endpoint: env.endpoints.sqs,
        region: LOCAL_REGION,
      };
      const { stdout } = await run(process.execPath, ['build/producer.js'], {
        cwd: app,
        env: { ...process.env, MAILROOM_TARGET: JSON.stringify(target) },
      });
      output = JSON.parse(stdout) as typeof output;
    }, SETUP_MS);

    afterAll(() => env?.clients.destroy());

    async function receiveAll(queueUrl: string, count: number): Promise<Message[]> {
      const messages: Message[] = [];
      for (let attempt = 0; attempt < 10 && messages.length < count; attempt++) {
        const { Messages = [] } = await env.clients.sqs.send(
          new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
        );
        for (const m of Messages)
          await env.clients.sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle! }));
        messages.push(...Messages);
      }
      return messages;
    }

    it("enqueues on each channel's queue the body the consumer validates, under the id the consumer records", async () => {
      const emails = await receiveAll(env.resources.queues.email.url, 2);
      const sms = await receiveAll(env.resources.queues.sms.url, 1);

      expect(output.sent).toEqual({ id: 'order-1042-confirmation' });
      expect(emails.map((m) => JSON.parse(m.Body!) as { id: string; subject: string }).sort((a, b) => a.id.localeCompare(b.id))).toEqual([
        {
          channel: 'email',
          id: 'order-1042-confirmation',
          from: { name: 'Acme Shop', address: 'shop@acme.example' },
          to: 'Ann Example <ann@example.org>',
          subject: 'Your order 1042',
          text: 'Hi Ann, your order 1042 is confirmed.',
          metadata: { orderId: 1042 },
        },
        expect.objectContaining({ id: 'order-1043-confirmation', subject: 'Your order 1043' }),
      ]);
      expect(sms).toHaveLength(1);
      expect(JSON.parse(sms[0]!.Body!)).toEqual({ channel: 'sms', to: '+14155550100', body: 'Your Acme code is 123456' });
      // Without an id, the client returns the id the send Lambda derives from the same body.
      expect(output.batch).toEqual([{ id: deriveId(sms[0]!.Body!) }, { id: 'order-1043-confirmation' }]);
    });

    it('refuses an invalid message with field reasons before enqueueing it', () => {
      expect(output.refused).toEqual([expect.objectContaining({ path: 'to' })]);
      expect(output.schemaAccepts).toBe(true);
    });
  });
});
