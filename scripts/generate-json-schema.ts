/**
 * Writes the JSON Schema of message contract v1 (the producer's side: what goes on the queue)
 * to schema/message-v1.schema.json, for producers in other languages. A unit test fails when
 * the committed file is out of date with the zod schema.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { messageJsonSchema } from '../src/contract/json-schema.js';

const target = fileURLToPath(new URL('../schema/message-v1.schema.json', import.meta.url));
writeFileSync(target, `${JSON.stringify(messageJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target}`);
