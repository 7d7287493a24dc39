/**
 * Request-body parsers for the fakes: JSON, and forms (urlencoded or multipart/form-data) via
 * busboy, the maintained streaming parser, because Mailgun's messages API takes files.
 */
import busboy from 'busboy';
import type { FakeRequest } from './http.js';

export interface FormFile {
  readonly field: string;
  readonly filename: string;
  readonly contentType: string;
  readonly size: number;
}

export interface ParsedForm {
  /** Every field in order; repeated names (to, attachment, o:tag) stay separate. */
  readonly fields: ReadonlyArray<readonly [string, string]>;
  readonly files: readonly FormFile[];
}

export class BodyError extends Error {
  override readonly name = 'BodyError';
}

export function parseJson(req: FakeRequest): unknown {
  try {
    return JSON.parse(req.body.toString('utf8'));
  } catch (err) {
    throw new BodyError('body is not valid JSON', { cause: err });
  }
}

export function parseForm(req: FakeRequest): Promise<ParsedForm> {
  const fields: Array<[string, string]> = [];
  const files: FormFile[] = [];
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: req.headers, limits: { fieldSize: 60 * 1024 * 1024 } });
    } catch (err) {
      return reject(new BodyError('body is not a form', { cause: err }));
    }
    bb.on('field', (name, value) => fields.push([name, value]));
    bb.on('file', (field, stream, info) => {
      let size = 0;
      stream.on('data', (c: Buffer) => (size += c.length));
      stream.on('end', () => files.push({ field, filename: info.filename ?? '', contentType: info.mimeType, size }));
    });
    bb.on('error', (err) => reject(new BodyError('malformed form body', { cause: err })));
    bb.on('close', () => resolve({ fields, files }));
    bb.end(req.body);
  });
}

/** Header lookup that tolerates arrays. */
export function header(req: FakeRequest, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
