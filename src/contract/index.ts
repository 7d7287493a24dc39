/**
 * `mailroom/contract`: message contract v1 for producers and tooling: the zod schemas, their
 * input and output types, validation with field-level reasons, the JSON Schema, and the
 * types of the records Mailroom stores.
 */

export { messageJsonSchema } from './json-schema.js';
export * from './message.js';
export type * from './records.js';
export { EVENT_TYPES } from './records.js';
export { validateMessage, validatorFor } from './validate.js';
export {
  createValidator,
  deriveId,
  type FieldReason,
  InvalidMessageError,
  RAW_BODY_LIMIT,
  type ValidatedMessage,
  type Validator,
} from './validator.js';
