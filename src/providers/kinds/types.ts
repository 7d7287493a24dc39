/**
 * A provider kind: everything that is one provider's alone, in its folder
 * (src/providers/kinds/<kind>/), registered with one line in its channel's kind table.
 * Instances (a name, a kind, options, a secret reference) come from the configuration
 * (docs/contract.md §7); the send Lambdas build their adapters from them through these descriptors,
 * and the CDK grants each function what its instances' descriptors ask for.
 */
import type * as z from 'zod';
import type { Channel } from '../../contract/message.js';
import type { StartFake } from '../fakes/index.js';
import type { SecretSource } from '../secrets/source.js';
import type { EmailProvider, SmsProvider } from '../types.js';

/** One configured provider instance, as the send Lambda receives it. */
export interface ProviderInstance {
  readonly name: string;
  readonly kind: string;
  /** Secrets Manager secret (name or ARN) whose JSON holds the credentials; never the credentials. */
  readonly secret?: string;
  /** Locally: talk to the real provider instead of its local fake. */
  readonly live?: boolean;
  /** The kind's own options, validated by its `config` fragment. */
  readonly options: Readonly<Record<string, unknown>>;
}

/** What an adapter may use while it is built (once per cold start). */
export interface AdapterContext {
  readonly secrets: SecretSource;
  /** SDK client configuration (local endpoints and credentials); empty inside Lambda. */
  readonly aws?: Readonly<Record<string, unknown>>;
  /** ExpectedBucketOwner of each attachment bucket (send.attachmentBuckets), for adapters that read `s3` attachments. */
  readonly attachmentBucketOwners?: Readonly<Record<string, string>>;
}

/** One IAM statement, as data: lib/ turns it into a PolicyStatement (no CDK in src/). */
export interface GrantStatement {
  readonly sid: string;
  readonly effect?: 'Allow' | 'Deny';
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly conditions?: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
  /** Why a resource is "*" (acknowledged for cdk-nag IAM5 with this reason). */
  readonly starReason?: string;
  /** cdk-nag IAM5 findings on wildcard ARNs this statement needs, each with its reason. */
  readonly acknowledge?: readonly { readonly finding: string; readonly reason: string }[];
}

/** What grants() may read: ARNs of this stack's account and region, the stack's resolved settings. */
export interface GrantContext {
  /** `arn:<partition>:<service>:<region>:<account>:<resource>/<name>` of this stack. */
  arn(service: string, resource: string, name: string): string;
  readonly partition: string;
  readonly ses: { readonly identities: readonly string[]; readonly templates: readonly string[] };
  readonly email: { readonly allowedFrom: readonly string[] };
}

export interface KindBase<C extends Channel, A> {
  readonly kind: string;
  readonly channel: C;
  /** zod fragment of the instance's options (everything in its entry besides kind, secret, live). */
  readonly config: z.ZodObject;
  /** zod schema of its secret's JSON; absent when the kind uses the function's role instead. */
  readonly secret?: z.ZodType;
  createAdapter(instance: ProviderInstance, ctx: AdapterContext): Promise<A>;
  grants(instance: ProviderInstance, ctx: GrantContext): readonly GrantStatement[];
  /** Its documentation page, relative to the repository root. */
  readonly docs: string;
  /** Starts its local fake (kinds that speak HTTP or SMTP; docs/contract.md §7); absent for AWS kinds, whose stand-ins are local AWS emulators. */
  readonly fake?: StartFake;
}

export type EmailKind = KindBase<'email', EmailProvider>;
export type SmsKind = KindBase<'sms', SmsProvider>;
export type KindDescriptor = EmailKind | SmsKind;
