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

// C0 and C1 controls, DEL, and the bidirectional controls (U+200E/F, U+202A-E, U+2066-9).
// Mail is written by strangers: a filename or Subject carrying ESC sequences would drive the
// reader's terminal, CR would overwrite what was printed, and U+202E ("RIGHT-TO-LEFT
// OVERRIDE") makes "invoice\u202Efdp.exe" display as "invoiceexe.pdf".
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point: they are escaped before reaching a terminal
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: as UNSAFE, keeping tab and newline
const UNSAFE_IN_BLOCK = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One line of untrusted text made safe for a terminal: every control character shown as an escape. */
export function printable(text: string): string {
  return text.replace(UNSAFE, escapeChar);
}

/** Multi-line untrusted text (a mail body) made safe for a terminal: keeps line feeds and tabs, escapes other controls. */
export function printableBlock(text: string): string {
  return text.replace(UNSAFE_IN_BLOCK, escapeChar);
}

/**
 * An aligned table with an upper-case header row; empty cells print as "-". Cells go through
 * `printable`: they often hold what a sender wrote.
 */
export function printTable<T>(io: CliIo, rows: readonly T[], columns: readonly Column<T>[]): void {
  const cells = rows.map((row) => columns.map((c) => printable(c.value(row) ?? '-')));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: readonly string[]): string =>
    values
      .map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  printLine(io, line(columns.map((c) => c.header.toUpperCase())));
  for (const row of cells) printLine(io, line(row));
}

/** `key  value` lines with the keys aligned; undefined values are left out; values go through `printable`. */
export function printFields(io: CliIo, fields: readonly (readonly [string, string | undefined])[]): void {
  const present = fields.filter((f): f is readonly [string, string] => f[1] !== undefined && f[1] !== '');
  const width = Math.max(0, ...present.map(([k]) => k.length));
  for (const [key, value] of present) printLine(io, `${key.padEnd(width)}  ${printable(value)}`);
}

/** `text` cut to `max` characters, the last one an ellipsis when something was cut. */
export function cut(text: string | undefined, max: number): string | undefined {
  return text !== undefined && text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Single-line preview of free text for table cells. */
export function oneLine(text: string | undefined, max = 60): string | undefined {
  return cut(text?.replace(/\s+/g, ' ').trim(), max);
}
