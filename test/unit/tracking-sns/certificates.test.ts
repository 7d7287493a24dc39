import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  fetchCertificateOverHttps,
  MAX_CERTIFICATE_BYTES,
  SnsCertificateUnavailableError,
  SnsVerificationError,
} from '../../../src/tracking/sns/index.js';

// The default fetcher runs on global fetch; unit tests have no network, so fetch is replaced
// by a function answering what SNS's endpoint would.
const URL_ = 'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0123.pem';
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

function answer(response: Response | Error) {
  const fetch = vi.fn(async (_url: string, _init?: RequestInit) => {
    if (response instanceof Error) throw response;
    return response;
  });
  vi.stubGlobal('fetch', fetch);
  return fetch;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('fetchCertificateOverHttps', () => {
  it('returns the PEM, refusing redirects and bounding the wait', async () => {
    // Prepare
    const fetch = answer(new Response(PEM, { status: 200 }));

    // Act
    const pem = await fetchCertificateOverHttps(URL_);

    // Assess
    expect(pem).toBe(PEM);
    expect(fetch).toHaveBeenCalledWith(URL_, expect.objectContaining({ redirect: 'error', signal: expect.any(AbortSignal) }));
  });

  it.each([404, 403, 410, 400])('refuses a URL that answers %i (no certificate there)', async (status) => {
    // Prepare
    answer(new Response('<Error/>', { status }));

    // Act
    const error = await fetchCertificateOverHttps(URL_).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(SnsVerificationError);
    expect(error).toMatchObject({ reason: 'cert_url' });
  });

  it.each<[string, Response | Error]>([
    ['a 503', new Response('busy', { status: 503 })],
    ['a 429', new Response('slow down', { status: 429 })],
    ['a network error', new TypeError('fetch failed')],
    ['a timeout', new DOMException('The operation was aborted due to timeout', 'TimeoutError')],
  ])('reports %s as transient', async (_case, response) => {
    // Prepare
    answer(response);

    // Act
    const error = await fetchCertificateOverHttps(URL_).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(SnsCertificateUnavailableError);
    expect(error).toMatchObject({ retryable: true, url: URL_ });
  });

  it('refuses a body over the size cap, declared or streamed', async () => {
    // Prepare
    const big = 'A'.repeat(MAX_CERTIFICATE_BYTES + 1);
    const undeclared = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 4; i++) controller.enqueue(new TextEncoder().encode(big.slice(0, MAX_CERTIFICATE_BYTES / 2 + 1)));
        controller.close();
      },
    });

    // Act
    answer(new Response(big, { status: 200, headers: { 'content-length': String(big.length) } }));
    const declared = await fetchCertificateOverHttps(URL_).catch((e: unknown) => e);
    answer(new Response(undeclared, { status: 200 }));
    const streamed = await fetchCertificateOverHttps(URL_).catch((e: unknown) => e);

    // Assess
    expect(declared).toMatchObject({ reason: 'cert_url', message: expect.stringMatching(/limit/) });
    expect(streamed).toMatchObject({ reason: 'cert_url', message: expect.stringMatching(/more than/) });
  });
});
