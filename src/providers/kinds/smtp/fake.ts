/**
 * Local SMTP relay fake: a real SMTP server (the `smtp-server` package) on 127.0.0.1 that
 * requires AUTH PLAIN or LOGIN with the configured credentials, parses every message with
 * mailparser and lists it on the `_fake` control API, served over HTTP on its own port.
 *
 * No TLS: STARTTLS is not offered and AUTH is allowed in clear text, because this is a
 * loopback test server (a client must not require TLS; nodemailer: `secure: false`,
 * `ignoreTLS: true`). Written from RFC 5321 (SMTP), RFC 4954 (AUTH) and the smtp-server
 * documentation: https://nodemailer.com/extras/smtp-server/
 *
 * SMTP has no webhooks, so `_fake/events` answers 422. A fault from `_fake/faults` is given
 * to MAIL FROM: `status` is the SMTP reply code (e.g. 421, 451, 550), `status: 0` drops the
 * connection, `delayMs` stalls the reply.
 */

import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import { controlHandler, UnsupportedFakeEventError } from '../../fakes/control.js';
import { Faults } from '../../fakes/faults.js';
import { startFakeServer } from '../../fakes/http.js';
import { MessageLog } from '../../fakes/log.js';
import type { FakeOptions, RunningFake } from '../../fakes/types.js';
import { recordMail } from './fake-parse.js';

export interface SmtpFakeCredentials {
  readonly username: string;
  readonly password: string;
}

export interface RunningSmtpFake extends RunningFake<SmtpFakeCredentials, Record<string, never>> {
  readonly smtp: { readonly host: string; readonly port: number };
}

const DEFAULTS: SmtpFakeCredentials = { username: 'mailroom', password: 'fake-smtp-password' };

class SmtpReply extends Error {
  constructor(
    message: string,
    readonly responseCode: number,
  ) {
    super(message);
  }
}

export async function startSmtpFake(opts: FakeOptions<SmtpFakeCredentials> & { smtpPort?: number }): Promise<RunningSmtpFake> {
  const credentials = { ...DEFAULTS, ...opts.credentials };
  const log = new MessageLog();
  const faults = new Faults();

  const smtp = new SMTPServer({
    name: 'fake-smtp.mailroom.local',
    banner: 'Mailroom fake SMTP',
    authMethods: ['PLAIN', 'LOGIN'],
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    size: 25 * 1024 * 1024,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === credentials.username && auth.password === credentials.password) return callback(null, { user: auth.username });
      callback(new SmtpReply('Authentication credentials invalid', 535));
    },
    onMailFrom(_address: SMTPServerAddress, session, callback) {
      const fault = faults.take();
      const answer = () => {
        if (fault?.status === 0) {
          const socket = (session as unknown as { socket?: { destroy(): void } }).socket;
          socket?.destroy();
          return callback(new SmtpReply('Connection dropped by fault', 421));
        }
        if (fault?.status !== undefined) return callback(new SmtpReply(`Fault injected by _fake/faults`, fault.status));
        callback();
      };
      if (fault?.delayMs) setTimeout(answer, fault.delayMs);
      else answer();
    },
    onData(stream, session, callback) {
      // keepCidLinks: list the html as sent (cid: links), not with inline images turned into data: URLs.
      simpleParser(stream, { keepCidLinks: true })
        .then((parsed) => {
          const id = `fake-smtp-${String(log.nextSeq()).padStart(8, '0')}`;
          const envelope = {
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            rcpt: session.envelope.rcptTo.map((r) => r.address),
          };
          log.add(recordMail(parsed, id, envelope));
          callback(null, `OK queued as ${id}`);
        })
        .catch((err: unknown) => callback(new SmtpReply(`Message could not be parsed: ${String(err)}`, 554)));
    },
  });
  await new Promise<void>((resolve, reject) => {
    smtp.once('error', reject);
    smtp.listen(opts.smtpPort ?? 0, '127.0.0.1', () => resolve());
  });
  const smtpPort = (smtp.server.address() as AddressInfo).port;

  const control = await startFakeServer({
    port: opts.port,
    api: () => ({ status: 404, body: { error: 'this is the SMTP fake: its API is SMTP on smtp.port; HTTP serves /_fake only' } }),
    faults: new Faults(),
    faultResponse: (status) => ({ status }),
    control: controlHandler({
      log,
      faults,
      instance: opts.instance,
      webhookBaseUrl: opts.webhookBaseUrl,
      buildWebhook: () => {
        throw new UnsupportedFakeEventError('SMTP has no webhooks: the SMTP fake cannot send events');
      },
    }),
  });

  return {
    baseUrl: control.baseUrl,
    credentials,
    webhookCredentials: {},
    smtp: { host: '127.0.0.1', port: smtpPort },
    stop: async () => {
      await control.stop();
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    },
  };
}
