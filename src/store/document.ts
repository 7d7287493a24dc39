/**
 * The DynamoDB document commands every store uses: lib-dynamodb's own (same input and output
 * shapes, same client, same mocks in unit tests), with values translated by ./codec.ts instead
 * of @aws-sdk/util-dynamodb, whose marshaller cannot store a map holding a key named
 * `constructor` and drops a key named `__proto__` both ways. Stores import commands from here,
 * never from '@aws-sdk/lib-dynamodb', so no item escapes the safe translation.
 */

import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import * as lib from '@aws-sdk/lib-dynamodb';
import { marshallValue, unmarshallValue } from './codec.js';

/** lib-dynamodb's description of where the values are in a command's input or output. */
type KeyNodes = { readonly [key: string]: KeyNodes | null } | readonly never[];

const ALL_ENTRIES = '*';

/** Applies `fn` to the values `nodes` points at (lib-dynamodb's processObj, on prototype-less objects). */
function translate(obj: unknown, fn: (v: never) => unknown, nodes: KeyNodes | null): unknown {
  if (obj === undefined) return undefined;
  if (nodes === null) return fn(obj as never);
  const keys = Object.keys(nodes);
  if (keys.length === 0) return eachValue(obj, (v) => translate(v, fn, null));
  if (keys.length === 1 && keys[0] === ALL_ENTRIES)
    return eachValue(obj, (v) => translate(v, fn, (nodes as Record<string, KeyNodes>)[ALL_ENTRIES]!));
  const source = obj as Record<string, unknown>;
  const out = { ...source };
  for (const key of keys) {
    if (source[key] === undefined) continue;
    out[key] = translate(source[key], fn, (nodes as Record<string, KeyNodes | null>)[key]!);
  }
  return out;
}

function eachValue(obj: unknown, fn: (v: unknown) => unknown): unknown {
  if (Array.isArray(obj)) return obj.filter((v) => v !== undefined).map(fn);
  const source = obj as Record<string, unknown>;
  const out = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(source)) {
    const value = source[key] === undefined ? undefined : fn(source[key]);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** The part of a command's middleware stack we use (smithy's MiddlewareStack). */
interface Stack {
  addRelativeTo(middleware: unknown, options: { name: string; relation: 'before'; toMiddleware: string; override: boolean }): void;
}

interface Translatable {
  readonly clientCommand: { readonly middlewareStack: Stack };
  readonly inputKeyNodes: KeyNodes;
  readonly outputKeyNodes: KeyNodes;
}

type Args = { readonly input: object };
type Next = (args: Args) => Promise<{ readonly output: object }>;

/** Installs the codec under the names lib-dynamodb's own translation uses, replacing it. */
function useCodec(command: Translatable): void {
  const stack = command.clientCommand.middlewareStack;
  const marshall = (next: Next) => async (args: Args) =>
    next({ ...args, input: translate(args.input, (v: unknown) => marshallValue(v), command.inputKeyNodes) as object });
  const unmarshall = (next: Next) => async (args: Args) => {
    const deserialized = await next(args);
    return {
      ...deserialized,
      output: translate(deserialized.output, (v: AttributeValue) => unmarshallValue(v), command.outputKeyNodes) as object,
    };
  };
  stack.addRelativeTo(marshall, { name: 'DocumentMarshall', relation: 'before', toMiddleware: 'serializerMiddleware', override: true });
  stack.addRelativeTo(unmarshall, {
    name: 'DocumentUnmarshall',
    relation: 'before',
    toMiddleware: 'deserializerMiddleware',
    override: true,
  });
}

const asTranslatable = (command: object) => command as unknown as Translatable;

export class PutCommand extends lib.PutCommand {
  protected override addMarshallingMiddleware(): void {
    useCodec(asTranslatable(this));
  }
}
export class GetCommand extends lib.GetCommand {
  protected override addMarshallingMiddleware(): void {
    useCodec(asTranslatable(this));
  }
}
export class UpdateCommand extends lib.UpdateCommand {
  protected override addMarshallingMiddleware(): void {
    useCodec(asTranslatable(this));
  }
}
export class DeleteCommand extends lib.DeleteCommand {
  protected override addMarshallingMiddleware(): void {
    useCodec(asTranslatable(this));
  }
}
export class QueryCommand extends lib.QueryCommand {
  protected override addMarshallingMiddleware(): void {
    useCodec(asTranslatable(this));
  }
}
export class TransactWriteCommand extends lib.TransactWriteCommand {
  protected override addMarshallingMiddleware(): void {
    useCodec(asTranslatable(this));
  }
}
export class BatchGetCommand extends lib.BatchGetCommand {
  protected override addMarshallingMiddleware(): void {
    useCodec(asTranslatable(this));
  }
}
export class BatchWriteCommand extends lib.BatchWriteCommand {
  protected override addMarshallingMiddleware(): void {
    useCodec(asTranslatable(this));
  }
}

export type { DynamoDBDocumentClient, QueryCommandInput, QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
