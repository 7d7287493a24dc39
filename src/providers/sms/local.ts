/**
 * The `local` SMS adapter: writes each SMS to an outbox (FileSmsOutbox in the local
 * pipeline) instead of a phone. It declares the same capabilities as the SNS adapter and
 * applies the same sender rules, so a message SNS would refuse is refused locally too. The
 * outbox is the destination, so an accepted SMS is `sent`.
 */
import { randomUUID } from 'node:crypto';
import type { SmsMessage } from '../../contract/message.js';
import { ConfigError } from '../../errors.js';
import { BaseSmsProvider, type BaseProviderOptions, type CallOutcome } from '../base.js';
import type { FeatureUse } from '../features.js';
import type { SendContext, SendResult, SmsCapabilities } from '../types.js';
import type { SmsOutbox, SmsOutboxRecord } from './outbox.js';
import { countSegments } from './segments.js';
import { resolveSender, SENDER_ID, validateSenderDefaults, type SmsSenderDefaults } from './sender.js';
import { PermanentProviderError } from '../errors.js';
import { providerOptionUses, snsProviderOptionShapes, SnsSmsProvider, withSegments } from './sns.js';

export interface LocalSmsProviderOptions extends BaseProviderOptions, SmsSenderDefaults {
  /** Default `local`. */
  readonly name?: string;
}

export class LocalSmsProvider extends BaseSmsProvider<SmsOutboxRecord, SmsOutboxRecord> {
  static readonly capabilities: SmsCapabilities = SnsSmsProvider.capabilities;

  readonly name: string;
  readonly capabilities: SmsCapabilities = LocalSmsProvider.capabilities;
  private readonly defaults: SmsSenderDefaults;

  constructor(
    private readonly outbox: SmsOutbox,
    opts: LocalSmsProviderOptions = {},
  ) {
    super(opts);
    validateSenderDefaults(opts);
    if (opts.name !== undefined && !/^[a-z0-9][a-z0-9_-]{0,63}$/.test(opts.name)) throw new ConfigError([`provider name "${opts.name}" must be lower-case letters, digits, _ or -`]);
    this.name = opts.name ?? 'local';
    this.defaults = { defaultSenderId: opts.defaultSenderId, defaultOriginationNumber: opts.defaultOriginationNumber };
  }

  protected override extraFeatureUses(m: SmsMessage, _ctx: SendContext): FeatureUse<SmsMessage>[] {
    return providerOptionUses(m, snsProviderOptionShapes);
  }

  protected async buildPayload(m: SmsMessage, ctx: SendContext): Promise<readonly SmsOutboxRecord[]> {
    const sender = resolveSender(m, this.defaults);
    if (sender.senderId !== undefined && !SENDER_ID.test(sender.senderId)) {
      throw new PermanentProviderError(`${this.name}: sender ID "${sender.senderId}" must be 3-11 letters, digits or hyphens with at least one letter`, { provider: this.name, code: 'invalid_sender_id' });
    }
    const { segments, encoding } = countSegments(m.body);
    const from = sender.originationNumber ?? sender.senderId;
    return [{
      id: ctx.messageId,
      providerMessageId: randomUUID(),
      to: m.to,
      ...(from !== undefined ? { from } : {}),
      body: m.body,
      smsType: m.smsType,
      segments,
      encoding,
      ...(m.maxPrice !== undefined ? { maxPrice: m.maxPrice } : {}),
      sentAt: this.now().toISOString(),
    }];
  }

  protected async call(record: SmsOutboxRecord): Promise<SmsOutboxRecord> {
    await this.outbox.append(record);
    return record;
  }

  protected recipientsOf(record: SmsOutboxRecord): readonly string[] {
    return [record.to];
  }

  protected parseStatus(record: SmsOutboxRecord): CallOutcome {
    return { recipients: { [record.to]: { status: 'sent', providerMessageId: record.providerMessageId } }, providerMessageId: record.providerMessageId };
  }

  protected override finish(result: SendResult, message: SmsMessage): SendResult {
    return withSegments(result, message);
  }
}
