/**
 * Builds DynamoDB UpdateItem expressions with placeholders for every name and value, so
 * attribute names that are reserved words (`status`, `error`) and map keys that are email
 * addresses (`a.b+c@example.com`) are always safe. Only values that the expressions use are
 * sent: DynamoDB rejects unused ExpressionAttributeValues.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.UpdateExpressions.html
 */
import { MailroomError } from '../errors.js';

const SIMPLE_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

export class ExpressionError extends MailroomError {}

export interface BuiltUpdate {
  UpdateExpression: string;
  ConditionExpression?: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
}

export class UpdateBuilder {
  private readonly sets: string[] = [];
  private readonly adds: string[] = [];
  private readonly removes: string[] = [];
  private readonly conditions: string[] = [];
  private readonly names: Record<string, string> = {};
  private readonly values: Record<string, unknown> = {};
  private readonly keys = new Map<string, string>();
  private valueCount = 0;

  set(attr: string, value: unknown): this {
    this.sets.push(`${this.name(attr)} = ${this.value(value)}`);
    return this;
  }

  setIfDefined(attr: string, value: unknown): this {
    return value === undefined ? this : this.set(attr, value);
  }

  /** `map.key = if_not_exists(map.key, value)`: writes the entry only when it is absent. */
  setNestedIfAbsent(mapAttr: string, key: string, value: unknown): this {
    const path = `${this.name(mapAttr)}.${this.key(key)}`;
    this.sets.push(`${path} = if_not_exists(${path}, ${this.value(value)})`);
    return this;
  }

  /** `map.key.field = value` (the entry must exist). */
  setNested(mapAttr: string, key: string, field: string, value: unknown): this {
    this.sets.push(`${this.name(mapAttr)}.${this.key(key)}.${this.name(field)} = ${this.value(value)}`);
    return this;
  }

  add(attr: string, amount: number): this {
    this.adds.push(`${this.name(attr)} ${this.value(amount)}`);
    return this;
  }

  remove(...attrs: string[]): this {
    for (const attr of attrs) this.removes.push(this.name(attr));
    return this;
  }

  /**
   * ANDs a condition. It names attributes as `#<attribute>` (registered here) and brings its
   * own `:placeholders` in `values`.
   */
  condition(expression: string, values: Record<string, unknown>): this {
    for (const [, attr] of expression.matchAll(/#([A-Za-z][A-Za-z0-9_]*)/g)) this.name(attr!);
    for (const [k, v] of Object.entries(values)) {
      if (k in this.values) throw new ExpressionError(`value placeholder ${k} used twice`);
      this.values[k] = v;
    }
    this.conditions.push(`(${expression})`);
    return this;
  }

  build(): BuiltUpdate {
    const clauses = [
      this.sets.length ? `SET ${this.sets.join(', ')}` : '',
      this.adds.length ? `ADD ${this.adds.join(', ')}` : '',
      this.removes.length ? `REMOVE ${this.removes.join(', ')}` : '',
    ].filter(Boolean);
    if (!clauses.length) throw new ExpressionError('empty update');
    return {
      UpdateExpression: clauses.join(' '),
      ...(this.conditions.length ? { ConditionExpression: this.conditions.join(' AND ') } : {}),
      ExpressionAttributeNames: { ...this.names },
      ...(Object.keys(this.values).length ? { ExpressionAttributeValues: { ...this.values } } : {}),
    };
  }

  private name(attr: string): string {
    if (!SIMPLE_NAME.test(attr)) throw new ExpressionError(`attribute name ${attr} needs a key placeholder`);
    this.names[`#${attr}`] = attr;
    return `#${attr}`;
  }

  private key(key: string): string {
    let placeholder = this.keys.get(key);
    if (!placeholder) {
      placeholder = `#k${this.keys.size}`;
      this.keys.set(key, placeholder);
      this.names[placeholder] = key;
    }
    return placeholder;
  }

  private value(value: unknown): string {
    const placeholder = `:v${this.valueCount++}`;
    this.values[placeholder] = value;
    return placeholder;
  }
}
