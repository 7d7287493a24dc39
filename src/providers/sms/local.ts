/**
 * The `local` SMS adapter: writes each SMS to an outbox (FileSmsOutbox in the local
 * pipeline) instead of a phone. It declares the same capabilities as the SNS adapter and
 * applies the same sender rules, so a message SNS would refuse is refused locally too. The
 * outbox is the destination, so an accepted SMS is `sent`.
 */
import { randomUUID } from 'node:crypto';
import type { SmsMessage } from '../../contract/message.js';
import { ConfigError } from '../../errors.js';
import { type BaseProviderOptions, BaseSmsProvider, type CallOutcome } from '../base.js';
import type { FeatureUse } from '../features.js';
import { providerNameProblem } from '../names.js';
import { providerOptionUses } from '../provider-options.js';
import type { SendContext, SendResult, SmsCapabilities } from '../types.js';
import type { SmsOutbox, SmsOutboxRecord } from './outbox.js';
import { countSegments, withSegments } from './segments.js';
import { checkSenderId, resolveSender, type SmsSenderDefaults, validateSenderDefaults } from './sender.js';
import { SnsSmsProvider, snsProviderOptionShapes } from './sns.js';

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
    const nameProblem = providerNameProblem(opts.name);
    if (nameProblem) throw new ConfigError([nameProblem]);
    this.name = opts.name ?? 'local';
    this.defaults = { defaultSenderId: opts.defaultSenderId, defaultOriginationNumber: opts.defaultOriginationNumber };
  }

  protected override extraFeatureUses(m: SmsMessage, _ctx: SendContext): FeatureUse<SmsMessage>[] {
    return providerOptionUses(m, snsProviderOptionShapes);
  }

  protected async buildPayload(m: SmsMessage, ctx: SendContext): Promise<readonly SmsOutboxRecord[]> {
    const sender = resolveSender(m, this.defaults);
    checkSenderId(sender, this.name);
    const { segments, encoding } = countSegments(m.body);
    const from = sender.originationNumber ?? sender.senderId;
    return [
      {
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
      },
    ];
  }

  protected async call(record: SmsOutboxRecord): Promise<SmsOutboxRecord> {
    await this.outbox.append(record);
    return record;
  }

  protected recipientsOf(record: SmsOutboxRecord): readonly string[] {
    return [record.to];
  }

  protected parseStatus(record: SmsOutboxRecord): CallOutcome {
    return {
      recipients: { [record.to]: { status: 'sent', providerMessageId: record.providerMessageId } },
      providerMessageId: record.providerMessageId,
    };
  }

  protected override finish(result: SendResult, message: SmsMessage): SendResult {
    return withSegments(result, message);
  }
}
