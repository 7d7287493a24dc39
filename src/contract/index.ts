/**
 * `mailroom/contract`: message contract v1 for producers and tooling: the zod schemas, their
 * input and output types, validation with field-level reasons, the JSON Schema, and the
 * types of the records Mailroom stores.
 */
export * from './message.js';
export { validateMessage, validatorFor } from './validate.js';
export { createValidator, deriveId, InvalidMessageError, RAW_BODY_LIMIT, type FieldReason, type ValidatedMessage, type Validator } from './validator.js';
export { messageJsonSchema } from './json-schema.js';
export type * from './records.js';
export { EVENT_TYPES } from './records.js';
