import { describe, expect, it } from 'vitest';
import { ExpressionError, UpdateBuilder } from '../../../src/store/update-builder.js';

describe('UpdateBuilder', () => {
  it('puts every name and value behind a placeholder, map keys included', () => {
    const built = new UpdateBuilder()
      .set('status', 'sent')
      .setIfDefined('providerMessageId', undefined)
      .setNestedIfAbsent('recipients', 'a.b+c@example.com', { status: 'sent' })
      .setNested('recipients', 'a.b+c@example.com', 'providerMessageId', 'p')
      .add('attempts', 1)
      .remove('claimToken')
      .condition('#status = :processing AND #claimToken = :token', { ':processing': 'processing', ':token': 't' })
      .build();
    expect(built).toEqual({
      UpdateExpression:
        'SET #status = :v0, #recipients.#k0 = if_not_exists(#recipients.#k0, :v1), #recipients.#k0.#providerMessageId = :v2 ADD #attempts :v3 REMOVE #claimToken',
      ConditionExpression: '(#status = :processing AND #claimToken = :token)',
      ExpressionAttributeNames: {
        '#status': 'status',
        '#recipients': 'recipients',
        '#k0': 'a.b+c@example.com',
        '#providerMessageId': 'providerMessageId',
        '#attempts': 'attempts',
        '#claimToken': 'claimToken',
      },
      ExpressionAttributeValues: {
        ':v0': 'sent',
        ':v1': { status: 'sent' },
        ':v2': 'p',
        ':v3': 1,
        ':processing': 'processing',
        ':token': 't',
      },
    });
  });

  it('refuses an empty update, a name that needs a key placeholder, and a reused value placeholder', () => {
    expect(() => new UpdateBuilder().build()).toThrow(ExpressionError);
    expect(() => new UpdateBuilder().set('a-b', 1)).toThrow(ExpressionError);
    expect(() => new UpdateBuilder().set('a', 1).condition('#a = :x', { ':x': 1 }).condition('#a <> :x', { ':x': 2 })).toThrow(
      ExpressionError,
    );
  });
});
