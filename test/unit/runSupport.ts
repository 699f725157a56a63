/** Helpers shared by the end-to-end run tests of the console-exporter languages. */
import * as assert from 'assert';
import * as fs from 'fs';
import type { Span } from '../../src/core/model';

/** Span name -> 0-based line of its `// span: NAME` marker (a marker alone on its line marks the next line). */
export function markedLines(file: string): Map<string, number> {
  const out = new Map<string, number>();
  fs.readFileSync(file, 'utf8')
    .split('\n')
    .forEach((text, i) => {
      const m = /\/\/\s*span:\s*(\S+)\s*$/.exec(text);
      if (m) out.set(m[1], text.trim().startsWith('//') ? i + 1 : i);
    });
  return out;
}

/** The one span with this name; fails when there are none or several. */
export function only(spans: Span[], name: string): Span {
  const found = spans.filter((s) => s.name === name);
  assert.strictEqual(found.length, 1, `one span named ${name}, got ${found.length}`);
  return found[0];
}
