import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { captureIo } from './capture.js';

/** A folder with no .mailroom/local.json in it or above it. */
const empty = mkdtempSync(join(tmpdir(), 'mailroom-cli-'));

describe('mailroom CLI (no target needed)', () => {
  it('prints help and exits 0', async () => {
    const io = captureIo(empty);
    expect(await main(['--help'], io)).toBe(0);
    expect(io.stdout()).toMatch(/Usage: mailroom/);
    for (const command of ['send', 'status', 'events', 'inbound', 'replay']) expect(io.stdout()).toContain(command);
  });

  it('prints subcommand help with every send email option', async () => {
    const io = captureIo(empty);
    expect(await main(['send', 'email', '--help'], io)).toBe(0);
    for (const flag of ['--from', '--to', '--cc', '--bcc', '--subject', '--text', '--html', '--attach', '--tag', '--meta', '--id']) expect(io.stdout()).toContain(flag);
  });

  it('exits 2 on an unknown command', async () => {
    const io = captureIo(empty);
    expect(await main(['frobnicate'], io)).toBe(2);
    expect(io.stderr()).toMatch(/unknown command/);
  });

  it('exits 2 when a required option is missing', async () => {
    const io = captureIo(empty);
    expect(await main(['send', 'sms', '--to', '+14155550100'], io)).toBe(2);
    expect(io.stderr()).toMatch(/--body/);
  });

  it('exits 2 on an event type that does not exist, before touching any store', async () => {
    const io = captureIo(empty);
    expect(await main(['events', '--type', 'exploded'], io)).toBe(2);
    expect(io.stderr()).toMatch(/--type must be one of/);
  });

  it('exits 2 when events gets no selector or two of them', async () => {
    const none = captureIo(empty);
    expect(await main(['events'], none)).toBe(2);
    expect(none.stderr()).toMatch(/exactly one of/);
    const two = captureIo(empty);
    expect(await main(['events', '--message-id', 'a', '--recipient', 'b@example.org'], two)).toBe(2);
  });

  it('tells the user to run npm start when there is no local pipeline', async () => {
    const io = captureIo(empty);
    expect(await main(['status', 'some-id'], io)).toBe(2);
    expect(io.stderr()).toMatch(/run `npm start` first/);
  });

  it('asks for a region with --stack when none is known', async () => {
    const io = captureIo(empty, {});
    expect(await main(['--stack', 'Mailroom', 'status', 'x'], io)).toBe(2);
    expect(io.stderr()).toMatch(/--region/);
  });
});
