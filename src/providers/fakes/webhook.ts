/** Posts a signed webhook to Mailroom the way a provider would, for `POST /_fake/events`. */

export interface WebhookRequest {
  readonly headers: Readonly<Record<string, string>>;
  /** The exact bytes that were signed. */
  readonly body: string;
}

export interface WebhookResult {
  readonly url: string;
  /** The receiver's HTTP status. */
  readonly status: number;
  readonly body: string;
}

export function trackingUrl(webhookBaseUrl: string, instance: string): string {
  return `${webhookBaseUrl.replace(/\/+$/, '')}/webhooks/${encodeURIComponent(instance)}/tracking`;
}

export async function postWebhook(url: string, request: WebhookRequest): Promise<WebhookResult> {
  const res = await fetch(url, { method: 'POST', headers: request.headers, body: request.body });
  return { url, status: res.status, body: await res.text() };
}
