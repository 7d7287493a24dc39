/**
 * Backports fauxqs's fix "allow supplementary-plane characters in SQS message bodies,
 * matching AWS" (kibertoad/fauxqs#278, commit 4746de0, released in fauxqs 2.9.1) to the
 * fauxqs 1.9.2 we install. Run by `prepare`, which npm runs on `npm install`/`npm ci` in a
 * checkout but never when the packed package is installed as a dependency (no fauxqs there).
 *
 * Why a backport: fauxqs 1.9.2 refuses every character beyond U+FFFF (emoji), which real
 * SQS accepts (#x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF,
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html),
 * so `npx mailroom send sms --body "hi 😀"` failed locally only. The fixed release needs
 * Node >= 22.5 and our registry has nothing newer than 2.4.1 (which still refuses them);
 * Mailroom supports Node 20. Delete this script (and the prepare script) once fauxqs >= 2.9.1
 * can be installed.
 *
 * The change is upstream's own: the character class gets the supplementary range and the
 * `u` flag (so it matches code points: a well-formed surrogate pair passes, a lone surrogate
 * is still refused, as SQS refuses it), and the error message names the new range.
 *
 * Idempotent: an already patched file is left alone. Loud: if a file holds neither the
 * original nor the patched text (fauxqs changed), it exits 1 naming the file, so nobody runs
 * tests against a stand-in that silently differs. Without fauxqs (a production install
 * without devDependencies) there is nothing to patch.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const OLD_MESSAGE = 'Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF and #xE000 to #xFFFD.';
const NEW_MESSAGE =
  'Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF.';

/** [file under node_modules/fauxqs, original text, patched text] */
export const EDITS: ReadonlyArray<readonly [file: string, from: string, to: string]> = [
  [
    'dist/sqs/sqsTypes.js',
    '// AWS SQS allowed unicode characters: #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD\n' +
      '// eslint-disable-next-line no-control-regex\n' +
      'export const INVALID_MESSAGE_BODY_CHAR = /[^\\x09\\x0A\\x0D\\x20-\\uD7FF\\uE000-\\uFFFD]/;',
    '// AWS SQS allowed unicode characters:\n' +
      '// #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF\n' +
      '// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html\n' +
      '// The `u` flag makes the class operate on code points, so well-formed surrogate\n' +
      '// pairs (emoji etc.) are allowed while lone surrogates are still rejected.\n' +
      '// (Backport of kibertoad/fauxqs#278 by Mailroom scripts/patch-fauxqs.ts.)\n' +
      '// eslint-disable-next-line no-control-regex\n' +
      'export const INVALID_MESSAGE_BODY_CHAR = /[^\\x09\\x0A\\x0D\\x20-\\uD7FF\\uE000-\\uFFFD\\u{10000}-\\u{10FFFF}]/u;',
  ],
  ['dist/sqs/actions/sendMessage.js', `"${OLD_MESSAGE}"`, `"${NEW_MESSAGE}"`],
  ['dist/sqs/actions/sendMessageBatch.js', `"${OLD_MESSAGE}"`, `"${NEW_MESSAGE}"`],
];

export class PatchError extends Error {
  override name = 'PatchError';
}

/** Applies EDITS under `dir` (a fauxqs package folder); returns the files it changed. */
export function patchFauxqs(dir: string): string[] {
  const changed: string[] = [];
  const pending: Array<[string, string]> = [];
  for (const [file, from, to] of EDITS) {
    const path = join(dir, file);
    const text = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    if (text?.includes(to)) continue;
    const at = text?.indexOf(from) ?? -1;
    if (text === undefined || at < 0 || text.indexOf(from, at + 1) >= 0) {
      throw new PatchError(
        `fauxqs changed upstream: ${path} ${text === undefined ? 'is missing' : 'does not hold the code this patch expects exactly once'}; review scripts/patch-fauxqs.ts`,
      );
    }
    pending.push([path, text.replace(from, to)]);
  }
  // Every file is checked before any is written: a half-applied patch is worse than none.
  for (const [path, text] of pending) {
    writeFileSync(path, text);
    changed.push(path);
  }
  return changed;
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dir = join(root, 'node_modules', 'fauxqs');
  if (!existsSync(join(dir, 'package.json'))) {
    console.log('patch-fauxqs: fauxqs is not installed (no devDependencies); nothing to patch');
  } else {
    try {
      const changed = patchFauxqs(dir);
      console.log(
        changed.length
          ? `patch-fauxqs: patched ${changed.length} file(s) (supplementary-plane characters, fauxqs#278)`
          : 'patch-fauxqs: already patched',
      );
    } catch (error) {
      console.error(`patch-fauxqs: ${(error as Error).message}`);
      process.exit(1);
    }
  }
}
