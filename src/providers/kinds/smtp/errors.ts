/**
 * nodemailer SMTP failures → our ProviderErrors. An SMTP reply is the server's word
 * (RFC 5321 §4.2.1: 4yz = transient, 5yz = permanent, and either one means the server did not
 * take the message), so any failure with a reply code is `accepted: 'no'`. A failure without
 * a reply is a transport failure: before the connection exists (refused, DNS, connect or
 * greeting timeout) it is `'no'`; a connection that broke or went silent later may have done
 * so after the final "." of DATA, so it is `'maybe'` and retried on the same relay only.
 * nodemailer's error fields: `code` (EAUTH, EENVELOPE, EMESSAGE, ECONNECTION, ETIMEDOUT,
 * ESOCKET, EDNS, ETLS…), `responseCode`, `command`, `originalCode` (the socket's own code),
 * `timeoutType` (https://nodemailer.com/smtp/ "Error handling").
 */
import { classifyNetworkCode } from '../../classify.js';
import { PermanentProviderError, type ProviderError, TransientProviderError } from '../../errors.js';

interface SmtpFailure {
  readonly message?: string;
  readonly code?: string;
  readonly responseCode?: number;
  readonly command?: string;
  readonly originalCode?: string;
  readonly timeoutType?: string;
}

/** What a permanent (5yz) reply means, by the command it answered. */
function permanentCode(f: SmtpFailure): string {
  const reply = f.responseCode!;
  if (f.code === 'EAUTH' || /^AUTH/.test(f.command ?? '')) return 'unauthorized';
  if (reply === 552) return 'message_too_large';
  if (f.command === 'MAIL FROM') return 'sender_rejected';
  if (f.command === 'RCPT TO') return reply === 550 || reply === 551 || reply === 553 ? 'invalid_address' : 'recipient_rejected';
  return 'message_rejected';
}

export function translateSmtpError(error: unknown, provider: string): ProviderError {
  const f = (typeof error === 'object' && error !== null ? error : {}) as SmtpFailure;
  const text = `${provider}: SMTP ${f.command ?? ''} ${f.message ?? String(error)}`.replace(/\s+/g, ' ');
  const base = { provider, cause: error, ...(f.responseCode ? { statusCode: f.responseCode, providerCode: String(f.responseCode) } : {}) };
  if (f.responseCode && f.responseCode >= 500) return new PermanentProviderError(text, { ...base, code: permanentCode(f), accepted: 'no' });
  if (f.responseCode && f.responseCode >= 400) {
    // 421: the service is closing the channel; 450/451/452: mailbox busy, local error, storage.
    const code = f.responseCode === 421 ? 'unavailable' : f.code === 'EAUTH' ? 'auth_temporary_failure' : 'smtp_deferred';
    return new TransientProviderError(text, { ...base, code, accepted: 'no' });
  }
  if (f.code === 'EAUTH') return new PermanentProviderError(text, { ...base, code: 'unauthorized', accepted: 'no' });
  if (f.code === 'ETLS') return new TransientProviderError(text, { ...base, code: 'tls_error', accepted: 'no' });
  if (f.code === 'EDNS') return new TransientProviderError(text, { ...base, code: 'network', accepted: 'no' });
  const known = f.originalCode ? classifyNetworkCode(f.originalCode) : undefined;
  if (known) return new TransientProviderError(text, { ...base, code: known.code, accepted: known.accepted });
  if (f.code === 'ETIMEDOUT') {
    const beforeSession = f.timeoutType === 'CONNECTION' || f.timeoutType === 'GREETING';
    return new TransientProviderError(text, { ...base, code: 'timeout', accepted: beforeSession ? 'no' : 'maybe' });
  }
  if (f.code === 'ECONNECTION' || f.code === 'ESOCKET')
    return new TransientProviderError(text, { ...base, code: 'network', accepted: 'maybe' });
  return new TransientProviderError(text, { ...base, code: 'unknown_error', accepted: 'maybe' });
}
