/** Shapes shared by every local provider fake (docs/contract.md §7 "Local fakes"). */

/** An attachment as `_fake/messages` lists it. */
export interface FakeAttachment {
  readonly filename: string;
  readonly contentType: string;
  readonly size: number;
  readonly disposition: 'attachment' | 'inline';
  readonly contentId?: string;
}

/** One accepted message, parsed from the provider request, as `GET /_fake/messages` returns it. */
export interface FakeMessage {
  /** The provider's message id (what its API answered). */
  readonly id: string;
  readonly from?: string;
  readonly to: string[];
  readonly cc: string[];
  readonly bcc: string[];
  readonly replyTo: string[];
  readonly subject?: string;
  readonly text?: string;
  readonly html?: string;
  readonly attachments: FakeAttachment[];
  readonly headers: Record<string, string>;
  readonly tags: string[];
  /** Provider metadata: Mailgun `v:`, SendGrid custom_args, Postmark Metadata, Resend tags. */
  readonly metadata: Record<string, string>;
  /** Anything else the provider took that a test may want to see (template, send time, stream...). */
  readonly extra: Record<string, unknown>;
}

/** The normalized event names `POST /_fake/events` accepts. */
export const FAKE_EVENTS = ['delivered', 'bounced', 'complained', 'opened', 'clicked', 'deferred', 'unsubscribed'] as const;
export type FakeEventName = (typeof FAKE_EVENTS)[number];

export interface FakeOptions<C> {
  /** 0 or absent: a free port chosen by the kernel. */
  readonly port?: number;
  /** The API credentials the fake accepts; defaults are fixed, documented strings. */
  readonly credentials?: Partial<C>;
  /** Mailroom's webhook base; `_fake/events` posts to `{webhookBaseUrl}/webhooks/{instance}/tracking`. */
  readonly webhookBaseUrl?: string;
  /** The provider instance name (docs/contract.md §7), used in the webhook path. */
  readonly instance: string;
}

export interface RunningFake<C, W> {
  /** Where the provider API and `/_fake/*` are served (http://127.0.0.1:PORT). */
  readonly baseUrl: string;
  readonly credentials: C;
  /** What the fake signs webhooks with (docs/contract.md §7 `webhooks.credentials.<name>`). */
  readonly webhookCredentials: W;
  stop(): Promise<void>;
}
