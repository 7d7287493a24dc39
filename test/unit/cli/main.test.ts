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
    for (const command of ['send', 'status', 'messages', 'cancel', 'events', 'inbound', 'suppressions', 'replay'])
      expect(io.stdout()).toContain(command);
  });

  it('prints subcommand help with every send email option', async () => {
    const io = captureIo(empty);
    expect(await main(['send', 'email', '--help'], io)).toBe(0);
    for (const flag of ['--from', '--to', '--cc', '--bcc', '--subject', '--text', '--html', '--attach', '--tag', '--meta', '--id'])
      expect(io.stdout()).toContain(flag);
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

  it('exits 2 when status gets neither an id nor --provider-message-id, or both', async () => {
    const none = captureIo(empty);
    expect(await main(['status'], none)).toBe(2);
    expect(none.stderr()).toMatch(/message id or --provider-message-id/);
    const both = captureIo(empty);
    expect(await main(['status', 'abc', '--provider-message-id', 'ses-1'], both)).toBe(2);
    expect(both.stderr()).toMatch(/one, not both/);
  });

  it('exits 2 on bad messages flags, before touching any store', async () => {
    const missing = captureIo(empty);
    expect(await main(['messages'], missing)).toBe(2);
    expect(missing.stderr()).toMatch(/--recipient/);
    const address = captureIo(empty);
    expect(await main(['messages', '--recipient', 'not an address'], address)).toBe(2);
    expect(address.stderr()).toMatch(/--recipient: "not an address" is not a single mailbox/);
    const number = captureIo(empty);
    expect(await main(['messages', '--recipient', '+1'], number)).toBe(2);
    expect(number.stderr()).toMatch(/is not E\.164/);
    for (const limit of ['0', '101', 'x']) {
      const io = captureIo(empty);
      expect(await main(['messages', '--recipient', 'a@example.org', '--limit', limit], io)).toBe(2);
      expect(io.stderr()).toMatch(/--limit must be an integer from 1 to 100/);
    }
  });

  it('exits 2 on a suppression address or reason that cannot be right, before touching any store', async () => {
    const address = captureIo(empty);
    expect(await main(['suppressions', 'add', 'nobody'], address)).toBe(2);
    expect(address.stderr()).toMatch(/address: "nobody" is not a single mailbox/);
    const reason = captureIo(empty);
    expect(await main(['suppressions', 'add', 'a@example.org', '--reason', 'annoying'], reason)).toBe(2);
    expect(reason.stderr()).toMatch(/manual, hardBounce, complaint, unsubscribe/);
  });

  it('exits 2 when cancel is given something that cannot be a message id', async () => {
    const io = captureIo(empty);
    expect(await main(['cancel', 'not/an id'], io)).toBe(2);
    expect(io.stderr()).toMatch(/is not a message id/);
  });
});
