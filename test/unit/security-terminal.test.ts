/**
 * Issue #15 item 13: span text must not steer the terminal. ESC/OSC/CSI sequences (set the window
 * title, clear the screen), C1 controls and bidi overrides (`pay\u202Egnp.exe` shows as
 * `payexe.png`) in span names, status messages and file names are printed as visible escapes by
 * every text output of the CLI; JSON outputs escape them too and still parse to the same values.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { humanReport } from '../../src/cli/run';
import { formatTree } from '../../src/cli/parse';
import { jsonForTerminal, terminalLine, terminalText } from '../../src/core/safeText';
import { parseText } from '../../src/core/parse';
import type { RunResult } from '../../src/run/runFile';
import { cli, framedOutput, schemaSpan, tempDir } from './securitySupport';

/** Everything a terminal may obey or reorder by, newline excepted. */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;

const TITLE = '\u001b]0;pwned\u0007';
const CLEAR = '\u001b[2J\u001b[H';
const C1_CSI = '\u009b31m';
const BIDI = 'pay\u202egnp.exe';
const ISOLATE = '\u2066inv\u2069\u200f\u061c\u200e';

function assertSafe(text: string, where: string): void {
  const m = UNSAFE.exec(text);
  assert.equal(m, null, `${where} printed U+${m ? m[0].charCodeAt(0).toString(16).padStart(4, '0') : ''} raw:\n${JSON.stringify(text)}`);
}

describe('security: control and bidi characters in text output (#15 item 13)', function () {
  this.timeout(60_000);
  let dir: string;
  let output: string;
  let program: string;

  before(() => {
    dir = tempDir('terminal');
    program = path.join(dir, 'job.py');
    fs.writeFileSync(program, 'print("hi")\n');
    output = path.join(dir, 'out.txt');
    fs.writeFileSync(
      output,
      framedOutput([
        schemaSpan({ name: `checkout${TITLE}${CLEAR}`, status: { code: 'ERROR', message: `declined${C1_CSI}\r\nfake line` } }),
        // Never ended: the unended-span finding quotes the name.
        schemaSpan({ name: BIDI, endTimeUnixNano: null, location: { file: program, line: 1, column: 1 } }),
        schemaSpan({ name: `iso${ISOLATE}`, endTimeUnixNano: null, location: { file: path.join(dir, `evil${CLEAR}.py`), line: 1, column: 1 } }),
      ]),
    );
  });

  it('the shared functions escape C0, C1, ESC sequences and bidi characters, and keep newlines only where meant', () => {
    assert.equal(terminalLine(`a${TITLE}b`), 'a\\x1b]0;pwned\\x07b');
    assert.equal(terminalLine(BIDI), 'pay\\u202egnp.exe');
    assert.equal(terminalLine('a\r\nb\tc'), 'a\\r\\nb\\tc');
    assert.equal(terminalLine(C1_CSI), '\\x9b31m');
    assert.equal(terminalText('one\ntwo\u001b[2J'), 'one\ntwo\\x1b[2J');
    for (const c of ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u200e', '\u200f', '\u061c', '\u0085', '\u007f', '\u0000']) {
      assertSafe(terminalLine(`x${c}y`), `terminalLine(U+${c.charCodeAt(0).toString(16)})`);
    }
    const value = { name: `${BIDI}${C1_CSI}${TITLE}` };
    const json = jsonForTerminal(JSON.stringify(value));
    assertSafe(json, 'jsonForTerminal');
    assert.deepEqual(JSON.parse(json), value);
    // Ordinary text is left alone, non-ASCII included.
    assert.equal(terminalText('ünïcödé ✓ 名前 └─'), 'ünïcödé ✓ 名前 └─');
  });

  it('span-lens tree escapes names and status messages', async () => {
    const r = await cli(['tree', output]);
    assert.equal(r.code, 0, r.err);
    assertSafe(r.out, 'tree');
    assert.match(r.out, /pay\\u202egnp\.exe/);
    assert.match(r.out, /checkout\\u001b\]0;pwned\\u0007/);
    assert.match(r.out, /declined\\x9b31m\\r\\nfake line/);
    // Three spans, one line each: no name or message started a line of its own.
    assert.equal(r.out.split('\n').filter((l) => l.includes('span "')).length, 3);
  });

  it('span-lens check escapes finding messages and file names, in text and JSON', async () => {
    const text = await cli(['check', program, '--from', output]);
    assertSafe(text.out, 'check (stdout)');
    assertSafe(text.err, 'check (stderr)');
    assert.match(text.out, /pay\\u202egnp\.exe/);
    assert.match(text.out, /evil\\x1b\[2J\\x1b\[H\.py/);
    const json = await cli(['check', program, '--from', output, '--json']);
    assertSafe(json.out, 'check --json');
    const findings = (JSON.parse(json.out) as { findings: { message: string }[] }).findings;
    assert.ok(findings.some((f) => f.message.includes(BIDI)), 'the JSON still carries the real name');
  });

  it('span-lens parse prints JSON with them escaped, parsing to the same names', async () => {
    const r = await cli(['parse', output]);
    assert.equal(r.code, 0, r.err);
    assertSafe(r.out, 'parse');
    const names = (JSON.parse(r.out) as { spans: { name: string }[] }).spans.map((s) => s.name);
    assert.deepEqual(names, [`checkout${TITLE}${CLEAR}`, BIDI, `iso${ISOLATE}`]);
  });

  it("run's report (tree and notes) escapes names", () => {
    const parsed = parseText(fs.readFileSync(output));
    const result = {
      exitCode: 0,
      signal: null,
      spans: parsed.spans,
      unparsed: [{ stream: 'stdout', startLine: 0, endLine: 0, reason: `bad ${CLEAR}` }],
      facts: { message: `sdk says ${TITLE}` },
      durationMs: 5,
      cut: { spans: 0, outputBytes: 0 },
      unlocated: [{ name: BIDI, reason: 'no call site' }],
    } as unknown as RunResult;
    const text = humanReport(result);
    assertSafe(text, 'run report');
    assert.match(text, /pay\\u202egnp\.exe/);
    assertSafe(formatTree(parsed.spans), 'formatTree');
  });
});
