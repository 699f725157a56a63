/**
 * The output a user sees is the program's, byte for byte, without Span Lens's frames, however
 * the pipe happens to cut it into chunks.
 */
import * as assert from 'assert';
import { FrameStripper, LineRewriter } from '../../src/run/runFile';

const NONCE = 'Nx_9-a';
const frame = (body: string) => `@@span-lens/1 ${NONCE} {"type":"span","span":${body}}\n`;

/** A deterministic pseudo-random generator, so a failure can be reproduced. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function strip(chunks: string[]): string {
  const s = new FrameStripper(NONCE);
  let out = '';
  for (const c of chunks) out += s.push(c);
  return out + s.end();
}

function cutRandomly(text: string, random: () => number): string[] {
  const chunks: string[] = [];
  let i = 0;
  while (i < text.length) {
    const n = 1 + Math.floor(random() * 12);
    chunks.push(text.slice(i, i + n));
    i += n;
  }
  return chunks;
}

describe('run: frames removed from shown output', () => {
  const program = [
    'order placed\n',
    'progress: ',
    frame('{"name":"a"}'),
    'done\n',
    '@@ not a frame @@span-lens/\n',
    `@@span-lens/1 otherNonce {"type":"span"}\n`,
    '{\n  "looks": "like json"\n}\n',
    'ünïcödé ✓ \u0000 \x1b[31mred\x1b[0m\n',
    frame('{"name":"b \\"quoted\\" @@span-lens/1"}'),
    frame('{"name":"c"}'),
    'tail without newline @@span',
  ];
  const text = program.join('');
  const expected = program.filter((p) => !p.startsWith(`@@span-lens/1 ${NONCE} `)).join('');

  it('whole text at once', () => {
    assert.strictEqual(strip([text]), expected);
  });

  it('one character at a time, and in 500 random chunkings', () => {
    assert.strictEqual(strip([...text]), expected);
    const random = rng(7);
    for (let k = 0; k < 500; k++) assert.strictEqual(strip(cutRandomly(text, random)), expected, `chunking ${k}`);
  });

  it('holds back only what could still become a frame', () => {
    const s = new FrameStripper(NONCE);
    assert.strictEqual(s.push('prompt> '), 'prompt> ');
    assert.strictEqual(s.push('a@@span-le'), 'a');
    assert.strictEqual(s.push('ngth'), '@@span-length');
    assert.strictEqual(s.push(`x @@span-lens/1 ${NONCE}`), 'x ');
    assert.strictEqual(s.push(' {"type":"facts"}'), '');
    assert.strictEqual(s.push('\nafter\n'), 'after\n');
    assert.strictEqual(s.end(), '');
  });

  it('a frame cut off by the end of output is not shown', () => {
    assert.strictEqual(strip(['line\n', `@@span-lens/1 ${NONCE} {"type":"sp`]), 'line\n');
  });
});

describe('run: a line the injection makes the runtime print is rewritten', () => {
  const target = 'Picked up JAVA_TOOL_OPTIONS: -javaagent:/x.jar';
  const through = (chunks: string[], replacement?: string) => {
    const r = new LineRewriter(target, replacement);
    return chunks.map((c) => r.push(c)).join('') + r.end();
  };
  it('removes the whole line, whole or split anywhere, and keeps everything else byte for byte', () => {
    const text = `${target}\nhello\n`;
    for (let cut = 0; cut <= text.length; cut++) assert.strictEqual(through([text.slice(0, cut), text.slice(cut)]), 'hello\n', `cut at ${cut}`);
    assert.strictEqual(through([`${target}\r\nok`]), 'ok');
  });
  it('puts back the line the user would have seen, and leaves look-alikes alone', () => {
    assert.strictEqual(through([`x\n${target}\ny`], 'Picked up JAVA_TOOL_OPTIONS: -Xss2m'), 'x\nPicked up JAVA_TOOL_OPTIONS: -Xss2m\ny');
    assert.strictEqual(through([`a ${target}\n`]), `a ${target}\n`, 'not at a line start');
    assert.strictEqual(through([`${target} and more\n`]), `${target} and more\n`, 'a longer line');
    assert.strictEqual(through(['Pick']), 'Pick', 'a held start that never became the line comes out at the end');
  });
});
