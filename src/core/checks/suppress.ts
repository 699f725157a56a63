/**
 * Disable comments: `span-lens-disable-line <id>` on a line, or `span-lens-disable-next-line <id>`
 * on the line above it, silences findings of that rule there. Any comment syntax works (`//`,
 * `#`, `/* *\/`, `--`), since only the words are looked for. Several ids may be listed,
 * separated by commas or spaces; none at all silences every rule. Text after ` -- ` is a reason.
 */

/** `*` stands for every rule. */
export type Suppressed = ReadonlySet<string>;

const DIRECTIVE = /span-lens-disable-(next-)?line\b([^\n]*)/g;
const RULE_ID = /^[a-z][a-z0-9-]*$/;

/** Line (0-based) -> rule ids silenced on it, for one source text. */
export function suppressionsOf(text: string): Map<number, Set<string>> {
  const out = new Map<number, Set<string>>();
  if (!text.includes('span-lens-disable')) return out;
  let line = 0;
  let scanned = 0;
  DIRECTIVE.lastIndex = 0;
  for (let m = DIRECTIVE.exec(text); m; m = DIRECTIVE.exec(text)) {
    for (let i = text.indexOf('\n', scanned); i !== -1 && i < m.index; i = text.indexOf('\n', i + 1)) line++;
    scanned = m.index;
    const target = m[1] ? line + 1 : line;
    let rest = m[2];
    for (const end of ['*/', '-->', ' -- ']) {
      const i = rest.indexOf(end);
      if (i >= 0) rest = rest.slice(0, i);
    }
    const ids = rest.split(/[\s,]+/).filter((t) => RULE_ID.test(t));
    let set = out.get(target);
    if (!set) out.set(target, (set = new Set()));
    if (!ids.length) set.add('*');
    for (const id of ids) set.add(id);
  }
  return out;
}

/** True when `rule` is silenced on `line` by the map from suppressionsOf. */
export function isSuppressed(map: Map<number, Set<string>>, line: number, rule: string): boolean {
  const set = map.get(line);
  return !!set && (set.has('*') || set.has(rule));
}
