/**
 * The dependency direction the folders promise (README "Architecture", docs/contract.md):
 *
 *   bin, cli → lambdas, lib, local → handlers, webhooks → send, tracking, inbound, deploy, client
 *     → config → store, providers → contract → errors, logging
 *
 * Each module may import from its own folder and from any layer below its own, never sideways
 * or up, and no file may import itself back through any path. lambdas and src/local are the two
 * composition roots (Lambda and the local pipeline) and wire the same domain code; neither
 * imports the other. src/cli sits on top because it reads the local pipeline's state file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildImportGraph, findCycles, packageImports } from '../../support/import-graph.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const graph = buildImportGraph(ROOT, ['src', 'lambdas', 'lib', 'bin']);

const LAYERS: readonly (readonly string[])[] = [
  ['src/errors', 'src/logging'],
  ['src/contract'],
  ['src/store', 'src/providers'],
  // The configuration schema is assembled from the provider kinds' fragments (one definition
  // per kind), so it sits above them and below everything that reads the configuration.
  ['src/config'],
  ['src/send', 'src/tracking', 'src/inbound', 'src/deploy', 'src/client'],
  // A kind's webhook verifier/normalizer lives in its kind folder (one folder a provider), but
  // it turns provider payloads into tracking events and inbound records, so it sits above them.
  // src/handlers: the handler factories both composition roots (lambdas, src/local) wire.
  ['webhooks', 'src/handlers'],
  ['lambdas', 'lib', 'src/local'],
  ['src/cli', 'bin'],
];

/** The module a file belongs to: `src/<folder>` (or `src/<file>` for a root file), else its top folder. */
function moduleOf(file: string): string {
  if (/^src\/providers\/(webhooks\/|kinds\/[^/]+\/webhook)/.test(file)) return 'webhooks';
  const [top, second] = file.split('/');
  if (top !== 'src') return top!;
  return `src/${second!.replace(/\.ts$/, '')}`;
}

function layerOf(module: string): number {
  const layer = LAYERS.findIndex((modules) => modules.includes(module));
  if (layer < 0) throw new Error(`module ${module} has no layer: add it to LAYERS`);
  return layer;
}

function layerViolations(): { from: string; to: string; text: string }[] {
  const violations: { from: string; to: string; text: string }[] = [];
  for (const [file, targets] of graph) {
    const from = moduleOf(file);
    for (const target of targets) {
      const to = moduleOf(target);
      if (from !== to && layerOf(to) >= layerOf(from))
        violations.push({ from, to, text: `${file} → ${target} (${from} may not import ${to})` });
    }
  }
  return violations;
}

describe('import graph', () => {
  it('reads every source file and resolves every relative import to a file', () => {
    expect(graph.size).toBeGreaterThan(150);
    const unresolved = [...graph].flatMap(([file, targets]) =>
      targets.filter((t) => !graph.has(t) && !t.startsWith('node_modules')).map((t) => `${file} → ${t}`),
    );
    expect(unresolved).toEqual([]);
  });

  it('has no import cycle', () => {
    expect(findCycles(graph).map((cycle) => cycle.join(' → '))).toEqual([]);
  });

  it('imports only downwards through the layers', () => {
    expect(layerViolations().map((v) => v.text)).toEqual([]);
  });

  it('keeps DynamoDB inside src/store: only the wiring that constructs clients imports its SDK', () => {
    const wiring = (file: string) =>
      file.startsWith('src/store/') || file.startsWith('lambdas/') || file.startsWith('src/local/') || file === 'src/cli/target.ts';
    const dynamo = [...packageImports(ROOT, ['src', 'lambdas', 'lib', 'bin'])]
      .filter(
        ([file, packages]) =>
          !wiring(file) && packages.some((p) => p.startsWith('@aws-sdk/client-dynamodb') || p.startsWith('@aws-sdk/lib-dynamodb')),
      )
      .map(([file]) => file);
    expect(dynamo).toEqual([]);
    const namesException = [...graph.keys()].filter(
      (file) => !file.startsWith('src/store/') && /ConditionalCheckFailed|TransactionCanceled/.test(readFileSync(join(ROOT, file), 'utf8')),
    );
    expect(namesException).toEqual([]);
  });

  it('gives every module a layer', () => {
    const modules = new Set([...graph.keys()].map(moduleOf));
    expect([...modules].filter((m) => !LAYERS.some((layer) => layer.includes(m)))).toEqual([]);
  });
});

describe('findCycles', () => {
  it('reports a cycle as the path that closes it', () => {
    const cyclic = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ]);
    expect(findCycles(cyclic)).toEqual([['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
  });

  it('reports a file importing itself and nothing for a tree', () => {
    expect(findCycles(new Map([['a.ts', ['a.ts']]]))).toEqual([['a.ts', 'a.ts']]);
    expect(
      findCycles(
        new Map([
          ['a.ts', ['b.ts', 'c.ts']],
          ['b.ts', ['c.ts']],
          ['c.ts', []],
        ]),
      ),
    ).toEqual([]);
  });
});
