/**
 * Webhook bodies as providers send them: JSON, or a form (urlencoded or multipart/form-data,
 * parsed with busboy, the streaming parser the fakes use too). Files are kept as buffers for
 * the caller to store (inbound attachments); nothing here writes anywhere.
 */
import busboy from 'busboy';
import { WebhookRefusedError } from './errors.js';
import { headerOf, type WebhookRequest } from './types.js';

export interface FormFilePart {
  readonly field: string;
  readonly filename?: string;
  readonly contentType: string;
  readonly content: Buffer;
}

/** A parsed form. Field order and repeated names are kept; lookups use `formField`. */
export interface FormPayload {
  readonly kind: 'form';
  readonly fields: ReadonlyArray<readonly [string, string]>;
  readonly files: readonly FormFilePart[];
}

/** The first value of a form field (names are compared exactly, as providers send them). */
export function formField(form: FormPayload, name: string): string | undefined {
  for (const [k, v] of form.fields) if (k === name) return v;
  return undefined;
}

export function isFormPayload(value: unknown): value is FormPayload {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { kind?: unknown }).kind === 'form' &&
    Array.isArray((value as { fields?: unknown }).fields)
  );
}

export function isFormRequest(request: WebhookRequest): boolean {
  const type = headerOf(request, 'content-type')?.toLowerCase() ?? '';
  return type.startsWith('multipart/form-data') || type.startsWith('application/x-www-form-urlencoded');
}

export function parseJsonBody(request: WebhookRequest, provider: string): unknown {
  try {
    return JSON.parse(request.rawBody.toString('utf8')) as unknown;
  } catch (error) {
    throw new WebhookRefusedError('malformed', `${provider}: body is not JSON`, { cause: error });
  }
}

export function parseFormBody(request: WebhookRequest, provider: string, maxBytes = 40 * 1024 * 1024): Promise<FormPayload> {
  const fields: Array<[string, string]> = [];
  const files: FormFilePart[] = [];
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      const headers = { 'content-type': headerOf(request, 'content-type') ?? '' };
      bb = busboy({ headers, limits: { fieldSize: maxBytes, fileSize: maxBytes } });
    } catch (error) {
      reject(new WebhookRefusedError('malformed', `${provider}: body is not a form`, { cause: error }));
      return;
    }
    bb.on('field', (name, value) => fields.push([name, value]));
    bb.on('file', (field, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('limit', () => reject(new WebhookRefusedError('malformed', `${provider}: a form file is over ${maxBytes} bytes`)));
      stream.on('end', () =>
        files.push({
          field,
          contentType: (info.mimeType || 'application/octet-stream').toLowerCase(),
          content: Buffer.concat(chunks),
          ...(info.filename ? { filename: info.filename } : {}),
        }),
      );
    });
    bb.on('error', (error) => reject(new WebhookRefusedError('malformed', `${provider}: malformed form body`, { cause: error })));
    bb.on('close', () => resolve({ kind: 'form', fields, files }));
    bb.end(request.rawBody);
  });
}
