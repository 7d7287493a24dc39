/**
 * The validation machinery, independent of any schema: a send Lambda builds its validator
 * from its own channel's schema (createValidator), so it bundles only that channel.
 * Turns an SQS body into a validated message, or an InvalidMessageError that says, field by
 * field, why not. Invalid messages are recorded as `failed` (never retried): the error keeps
 * the raw body, truncated, so nothing is lost.
 */
import { createHash } from 'node:crypto';
import type * as z from 'zod';
import { MailroomError } from '../errors.js';
import type { Channel, Message } from './message.js';

/** How much of an invalid body we keep on the record (DynamoDB items are capped at 400 KB). */
export const RAW_BODY_LIMIT = 8 * 1024;

export interface FieldReason {
  readonly path: string;
  readonly message: string;
}

export class InvalidMessageError extends MailroomError {
  readonly code = 'invalid_message';
  readonly retryable = false;
  constructor(
    readonly reasons: readonly FieldReason[],
    readonly rawBody: string,
  ) {
    super(`invalid message: ${reasons.map((r) => (r.path ? `${r.path}: ${r.message}` : r.message)).join('; ')}`);
  }

  /** The raw body cut to RAW_BODY_LIMIT characters, for the record. */
  get truncatedBody(): string {
    return this.rawBody.length > RAW_BODY_LIMIT
      ? `${this.rawBody.slice(0, RAW_BODY_LIMIT)}…[truncated ${this.rawBody.length - RAW_BODY_LIMIT} chars]`
      : this.rawBody;
  }
}

export interface ValidatedMessage {
  readonly message: Message;
  /** The producer's `id`, or one derived from the body when absent. */
  readonly id: string;
  readonly idDerived: boolean;
}

/** Deterministic id for a body without one: the same body redelivered maps to the same record. */
export function deriveId(rawBody: string): string {
  return `derived:${createHash('sha256').update(rawBody).digest('base64url').slice(0, 32)}`;
}

/**
 * Field-level reasons from zod issues. A union ("a mailbox or a list of them") fails with one
 * generic issue holding every branch's issues; we report the branch that got furthest (the
 * one that did not fail on the type itself), so the user reads "invalid domain in …" rather
 * than "Invalid input".
 */
export function fieldReasons(issues: readonly z.core.$ZodIssue[], base: readonly PropertyKey[] = []): FieldReason[] {
  return issues.flatMap((issue) => {
    const path = [...base, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const branches = issue.errors.filter((branch) => branch.length > 0);
      const informative = branches.find((branch) => !branch.every(isTypeMismatch));
      if (informative) return fieldReasons(informative, path);
    }
    return [{ path: path.map(String).join('.'), message: issue.message }];
  });
}

/** True when the issue only says "wrong type here" (in every union branch, if a union). */
function isTypeMismatch(issue: z.core.$ZodIssue): boolean {
  if (issue.path.length > 0) return false;
  if (issue.code === 'invalid_type') return true;
  return issue.code === 'invalid_union' && issue.errors.every((branch) => branch.every(isTypeMismatch));
}

/** Best-effort id of an invalid body, so the failed record lands under the producer's id when it gave one. */
export function idOfInvalidBody(rawBody: string): string {
  try {
    const parsed = JSON.parse(rawBody) as { id?: unknown };
    if (typeof parsed?.id === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(parsed.id)) return parsed.id;
  } catch {
    // not JSON: fall through to a derived id
  }
  return deriveId(rawBody);
}

export type Validator = (rawBody: string) => ValidatedMessage;

/**
 * A validator for one queue: the body must be JSON, name this queue's channel, and pass the
 * channel's schema. A body for the other channel is refused by name before the schema runs.
 */
export function createValidator(channel: Channel, schema: z.ZodType<Message, unknown>): Validator {
  return (rawBody) => {
    const json = parseJson(rawBody);
    const named = (json as { channel?: unknown } | null)?.channel;
    if (typeof named === 'string' && named !== channel && (named === 'email' || named === 'sms')) {
      throw new InvalidMessageError([{ path: 'channel', message: `this queue takes ${channel} messages, not ${named}` }], rawBody);
    }
    return toValidated(schema.safeParse(json), rawBody);
  };
}

export function parseJson(rawBody: string): unknown {
  try {
    return JSON.parse(rawBody);
  } catch (error) {
    throw new InvalidMessageError([{ path: '', message: `body is not JSON: ${(error as Error).message}` }], rawBody);
  }
}

export function toValidated(result: z.ZodSafeParseResult<Message>, rawBody: string): ValidatedMessage {
  if (!result.success) throw new InvalidMessageError(fieldReasons(result.error.issues), rawBody);
  const message = result.data;
  return message.id ? { message, id: message.id, idDerived: false } : { message, id: deriveId(rawBody), idDerived: true };
}
