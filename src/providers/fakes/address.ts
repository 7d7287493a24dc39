/** Address-list helpers the fakes share: split "A <a@x>, b@y" lists and check syntax. */

/** Splits a comma-separated address list, ignoring commas inside quotes or angle brackets. */
export function splitAddresses(list: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  let angle = false;
  for (const ch of list) {
    if (ch === '"') quoted = !quoted;
    else if (ch === '<' && !quoted) angle = true;
    else if (ch === '>' && !quoted) angle = false;
    if (ch === ',' && !quoted && !angle) {
      if (cur.trim()) out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** The bare address of `Name <a@b>` or `a@b`. */
export function bareAddress(address: string): string {
  const m = /<([^<>]*)>\s*$/.exec(address);
  return (m ? m[1]! : address).trim();
}

/** A deliberately simple syntax check: one @, no spaces or angle brackets in the bare address. */
export function isValidAddress(address: string): boolean {
  return /^[^\s@<>",]+@[^\s@<>",]+\.[^\s@<>",]+$/.test(bareAddress(address));
}
