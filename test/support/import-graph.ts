/**
 * The graph of relative imports between the repository's own .ts files, read with the
 * TypeScript compiler's pre-processor (import, `import type`, `export … from`, dynamic
 * `import()`), and the cycles in it. Package imports are not edges: only our layering matters.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/** Each file (repo-relative) → the packages it imports (`@aws-sdk/lib-dynamodb`, `node:fs`, …). */
export function packageImports(root: string, folders: readonly string[]): ReadonlyMap<string, readonly string[]> {
  const imports = new Map<string, string[]>();
  for (const file of folders.flatMap((f) => tsFilesUnder(join(root, f)))) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    imports.set(
      toKey(root, file),
      importedFiles.map((i) => i.fileName).filter((name) => !name.startsWith('.')),
    );
  }
  return imports;
}

/** File (repo-relative, `/`-separated) → the files it imports. */
export type ImportGraph = ReadonlyMap<string, readonly string[]>;

export function buildImportGraph(root: string, folders: readonly string[]): ImportGraph {
  const graph = new Map<string, string[]>();
  for (const file of folders.flatMap((f) => tsFilesUnder(join(root, f)))) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = importedFiles.filter((i) => i.fileName.startsWith('.')).map((i) => resolveImport(file, i.fileName));
    graph.set(toKey(root, file), [...new Set(targets.map((t) => toKey(root, t)))]);
  }
  return graph;
}

/**
 * The import cycles: for each group of files that reach one another, the shortest cycle
 * through each of its files (deduplicated), as a path ending where it started.
 */
export function findCycles(graph: ImportGraph): string[][] {
  const cycles: string[][] = [];
  for (const component of stronglyConnected(graph)) {
    const members = new Set(component);
    // One shortest cycle back to each member, deduplicated by its set of files.
    const seen = new Set<string>();
    for (const start of component) {
      const path = shortestPathBack(graph, start, members);
      const id = [...path].sort().join('|');
      if (!seen.has(id)) {
        seen.add(id);
        cycles.push([...path, start]);
      }
    }
  }
  return cycles;
}

function tsFilesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : tsFilesUnder(path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

// Sources import `./x.js` (ESM output names); the file on disk is `./x.ts`, or `./x/index.ts`.
function resolveImport(from: string, specifier: string): string {
  const base = resolve(dirname(from), specifier);
  const candidates = [base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts'), base];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile()) ?? base;
}

function toKey(root: string, file: string): string {
  return relative(root, file).split('\\').join('/');
}

// Tarjan's algorithm; a component is a cycle when it has two or more files or a self-import.
function stronglyConnected(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || graph.get(v)?.includes(v)) components.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return components;
}

// Breadth-first from `start` inside its component until an edge leads back to `start`.
function shortestPathBack(graph: ImportGraph, start: string, members: ReadonlySet<string>): string[] {
  const previous = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const v = queue[i]!;
    for (const w of graph.get(v) ?? []) {
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(previous.get(path[0]!)!);
        return path;
      }
      if (members.has(w) && !previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start];
}
