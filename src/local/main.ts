/**
 * `npm start`: runs the whole pipeline on this machine (docs/contract.md §6). Starts the local
 * servers (DynamoDB Local, s3rver, aws-ses-v2-local, fauxqs), starts the pipeline on them
 * (src/local/pipeline.ts) with the fixed prefix `mailroom`, writes `.mailroom/local.json`,
 * prints where to look, and on Ctrl-C / SIGTERM stops the pollers, then every server, and
 * removes local.json. Configuration: the `mailroom` context of cdk.json, as `cdk synth` reads
 * it, or `npm start -- --config FILE` (src/local/config.ts).
 *
 * Environment: MAILROOM_VERBOSE=1 prints the handlers' info logs; the Powertools EMF metric
 * lines the Lambdas would print are off unless POWERTOOLS_METRICS_DISABLED=false.
 */

import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { errorMessage } from '../errors.js';
import { type LocalConfigSource, readLocalConfig } from './config.js';
import { type LocalPipeline, startLocalPipeline } from './pipeline.js';
import { type LocalServers, startLocalServers } from './servers.js';
import { readLocalState, STATE_DIR } from './state.js';

const PREFIX = 'mailroom';

function say(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** A live pipeline already owns .mailroom/local.json: refuse to start a second one over it. */
function refuseIfRunning(stateDir: string): void {
  const path = join(stateDir, 'local.json');
  if (!existsSync(path)) return;
  try {
    const { pid } = readLocalState(path);
    if (pid !== undefined && pid !== process.pid) {
      process.kill(pid, 0); // throws when no such process
      say(`A local pipeline is already running (pid ${pid}, ${path}). Stop it first (Ctrl-C in its terminal).`);
      process.exit(1);
    }
  } catch {
    // stale file from a crashed run: it is overwritten below
  }
}

export function printWelcome(pipeline: LocalPipeline, seconds: number, stateDir: string): void {
  const s = pipeline.state;
  const rel = relative(process.cwd(), stateDir) || '.';
  say(`Mailroom is running locally (ready in ${seconds.toFixed(1)} s). Ctrl-C stops everything.`);
  say();
  say(`  mail viewer (what "SES" sent)   ${s.ui}`);
  say(`  email queue                     ${s.queues.email}`);
  say(`  sms queue                       ${s.queues.sms}`);
  say(`  tables                          ${Object.values(s.tables).join(', ')}`);
  say(`  inbound bucket                  ${s.buckets.inbound}`);
  say(`  SMS outbox (the "phone")        ${relative(process.cwd(), s.outbox ?? '') || s.outbox}`);
  say(
    `  endpoints                       dynamodb ${s.endpoints.dynamodb}  s3 ${s.endpoints.s3}  sqs/sns ${s.endpoints.sqs}  sesv2 ${s.endpoints.sesv2}`,
  );
  say(`  everything above, as JSON       ${join(rel, 'local.json')}`);
  say();
  say('Try, in another terminal:');
  say('  npx mailroom send email --from "Shop <shop@example.com>" --to success@simulator.amazonses.com --subject Hi --text "Hello"');
  say('  npx mailroom status <id printed above>');
  say('  npx mailroom events --message-id <id>');
  say('  npx mailroom send email --from shop@example.com --to bounce@simulator.amazonses.com --subject Hi --text "Bounces"');
  say('  npx mailroom send sms --to +14155550100 --body "Your code is 123456"');
  say('  npx mailroom inbound receive message.eml --to support@example.com');
  say();
}

async function run(): Promise<void> {
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  const stateDir = resolve(STATE_DIR);
  refuseIfRunning(stateDir);
  let local: LocalConfigSource;
  try {
    local = readLocalConfig(process.argv.slice(2), process.cwd());
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
  say(`Configuration: ${local.source}`);
  const started = performance.now();
  say('Starting DynamoDB Local, s3rver, aws-ses-v2-local and fauxqs…');

  let servers: LocalServers | undefined;
  let pipeline: LocalPipeline | undefined;
  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    say(`\n${signal}: stopping the pipeline and the local servers…`);
    try {
      await pipeline?.stop();
    } finally {
      await servers?.stop();
    }
    say('Stopped. .mailroom/local.json removed.');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  try {
    servers = await startLocalServers();
    pipeline = await startLocalPipeline({
      endpoints: servers.endpoints,
      prefix: PREFIX,
      stateDir,
      config: local.config,
      log: (line) => process.stderr.write(`${line}\n`),
      verbose: process.env.MAILROOM_VERBOSE === '1' || process.env.MAILROOM_VERBOSE === 'true',
    });
  } catch (error) {
    process.stderr.write(`Could not start: ${errorMessage(error)}\n`);
    await pipeline?.stop().catch(() => undefined);
    await servers?.stop().catch(() => undefined);
    process.exit(1);
  }
  if (stopping) return;
  printWelcome(pipeline, (performance.now() - started) / 1000, stateDir);
}

await run();
