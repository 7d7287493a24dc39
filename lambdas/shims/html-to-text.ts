/**
 * Stands in for `html-to-text` in the Lambda bundles (lib/bundling.ts aliases it here).
 * mailparser calls `htmlToText` only to derive a text body from HTML, which src/inbound/parse.ts
 * turns off (`skipHtmlToText: true`: that costs time and memory proportional to hostile input),
 * so the module and the HTML parser it brings (htmlparser2, entities, selderee, ~235 KiB
 * minified) are never run. Should an option change make mailparser call it, parsing fails loudly
 * with this error instead of silently storing mail without a text body
 * (test/unit/bundle/lambda-bundles.test.ts parses HTML-only mail through the bundled parser).
 */
import { MailroomError } from '../../src/errors.js';

export class NotBundledError extends MailroomError {}

export function htmlToText(): never {
  throw new NotBundledError('html-to-text is not in the Lambda bundle: src/inbound/parse.ts must keep skipHtmlToText: true');
}

export const convert = htmlToText;
export const compile = htmlToText;
export default { htmlToText, convert, compile };
