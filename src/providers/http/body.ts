/**
 * Request bodies for the shared HTTP client, built once into bytes so every attempt sends
 * the same thing with a Content-Length (no chunked bodies: a server never acts on a request
 * it has not fully received, which is what lets the client call an unwritten request
 * "surely not accepted").
 */
export interface HttpBody {
  readonly contentType: string;
  readonly data: Buffer;
}

export function jsonBody(value: unknown): HttpBody {
  return { contentType: 'application/json', data: Buffer.from(JSON.stringify(value), 'utf8') };
}

export type FormValue = string | number | boolean | readonly (string | number)[] | undefined;

/**
 * application/x-www-form-urlencoded. Arrays repeat the key (Twilio `MediaUrl`, Mailgun `to`);
 * undefined values are left out.
 */
export function formBody(fields: Readonly<Record<string, FormValue>>): HttpBody {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) params.append(key, String(v));
  }
  return { contentType: 'application/x-www-form-urlencoded', data: Buffer.from(params.toString(), 'utf8') };
}

export interface MultipartFile {
  readonly filename: string;
  readonly contentType: string;
  readonly data: Uint8Array;
}

export type MultipartValue = FormValue | MultipartFile | readonly MultipartFile[];

function isFile(value: unknown): value is MultipartFile {
  return typeof value === 'object' && value !== null && 'filename' in value && 'data' in value;
}

/**
 * multipart/form-data (Mailgun messages with attachments), encoded by Node's own FormData
 * and Response, so the boundary and part headers follow the WHATWG algorithm.
 */
export async function multipartBody(fields: Readonly<Record<string, MultipartValue>>): Promise<HttpBody> {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) {
      if (isFile(v)) form.append(key, new Blob([v.data], { type: v.contentType }), v.filename);
      else form.append(key, String(v));
    }
  }
  const encoded = new Response(form);
  return { contentType: encoded.headers.get('content-type')!, data: Buffer.from(await encoded.arrayBuffer()) };
}
