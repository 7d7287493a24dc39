/**
 * The local fakes by provider kind, so `npm start` and the test setup can start the fake of
 * any configured instance in one line: `await FAKES[kind]({ instance, webhookBaseUrl })`.
 * Each fake is a real server on 127.0.0.1 serving its provider's API and the docs/contract.md §7
 * `_fake` control API; docs/fakes.md lists what each one emulates.
 */
import { startMailgunFake } from '../kinds/mailgun/fake.js';
import { startPostmarkFake } from '../kinds/postmark/fake.js';
import { startResendFake } from '../kinds/resend/fake.js';
import { startSendgridFake } from '../kinds/sendgrid/fake.js';
import { startSmtpFake } from '../kinds/smtp/fake.js';
import type { FakeOptions, RunningFake } from './types.js';

export type FakeKind = 'mailgun' | 'sendgrid' | 'postmark' | 'resend' | 'smtp';

/** What every fake returns, seen without its provider-specific credential types. */
export type AnyRunningFake = RunningFake<object, object> & { readonly smtp?: { readonly host: string; readonly port: number } };
/** Credentials are passed through as the kind names them (e.g. mailgun `{apiKey, domain}`). */
export type StartFake = (opts: FakeOptions<Record<string, string>>) => Promise<AnyRunningFake>;

export const FAKES: Record<FakeKind, StartFake> = {
  mailgun: startMailgunFake,
  sendgrid: startSendgridFake,
  postmark: startPostmarkFake,
  resend: startResendFake,
  smtp: startSmtpFake,
};

export function isFakeKind(kind: string): kind is FakeKind {
  return Object.hasOwn(FAKES, kind);
}

export type { FakeEventName, FakeMessage, FakeOptions, RunningFake } from './types.js';
export { startMailgunFake, startPostmarkFake, startResendFake, startSendgridFake, startSmtpFake };
