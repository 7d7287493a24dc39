/**
 * Where the CLI writes, and the two output shapes: `--json` (one JSON object per line, the
 * contract's field names, nothing else on stdout) and human (aligned tables and key/value
 * blocks). Tests pass their own `CliIo` and read what was written.
 */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

export function processIo(): CliIo {
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    cwd: process.cwd(),
    env: process.env,
  };
}

export function printLine(io: CliIo, line = ''): void {
  io.out(`${line}\n`);
}

export function printJsonLine(io: CliIo, value: unknown): void {
  io.out(`${JSON.stringify(value)}\n`);
}

export interface Column<T> {
  readonly header: string;
  readonly value: (row: T) => string | undefined;
}

/** An aligned table with an upper-case header row; empty cells print as "-". */
export function printTable<T>(io: CliIo, rows: readonly T[], columns: readonly Column<T>[]): void {
  const cells = rows.map((row) => columns.map((c) => c.value(row) ?? '-'));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: readonly string[]): string =>
    values
      .map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  printLine(io, line(columns.map((c) => c.header.toUpperCase())));
  for (const row of cells) printLine(io, line(row));
}

/** `key  value` lines with the keys aligned; undefined values are left out. */
export function printFields(io: CliIo, fields: readonly (readonly [string, string | undefined])[]): void {
  const present = fields.filter((f): f is readonly [string, string] => f[1] !== undefined && f[1] !== '');
  const width = Math.max(0, ...present.map(([k]) => k.length));
  for (const [key, value] of present) printLine(io, `${key.padEnd(width)}  ${value}`);
}

/** Single-line preview of free text for table cells. */
export function oneLine(text: string | undefined, max = 60): string | undefined {
  if (text === undefined) return undefined;
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
