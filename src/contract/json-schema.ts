/**
 * JSON Schema (draft 2020-12) of the message contract's input side. Refinements that JSON
 * Schema cannot express (RFC 5322 parsing, E.164 metadata, CR/LF checks, cross-field rules)
 * are enforced by the zod schema at the consumer; the JSON Schema is the producer's guide.
 */
import * as z from 'zod';
import { messageSchema } from './message.js';

export function messageJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(messageSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return {
    $id: 'https://github.com/mailroom/mailroom/schema/message-v1.schema.json',
    title: 'Mailroom message v1',
    description: 'One SQS message body for the Mailroom email or SMS queue (docs/contract.md §1).',
    ...schema,
  };
}
