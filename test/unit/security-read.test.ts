/**
 * Issue #15 item 11: files named by a trace are read only when they are regular files inside the
 * allowed folders (the input's and the current one for the CLI, the workspace in the editor, the
 * project for source collection), with the size cap counted while reading. `..` escapes,
 * absolute paths elsewhere, symlinks out, /proc files, FIFOs and oversized files are refused.
 *
 * What `span-lens check --from` read is seen through a disable comment: a file that was read
 * suppresses its line's finding, a refused one does not.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MAX_SOURCE_BYTES, readFileInside, resolveInside } from '../../src/run/safeRead';
import { collectSources } from '../../src/run/sources';
import { cli, framedOutput, schemaSpan, tempDir } from './securitySupport';

const DISABLE = '// span-lens-disable-line unended-span\n';

describe('security: reading files a trace names (#15 item 11)', function () {
  this.timeout(60_000);
  let base: string;
  let inside: string;
  let outside: string;

  before(() => {
    base = tempDir('read');
    inside = path.join(base, 'project');
    outside = path.join(base, 'elsewhere');
    fs.mkdirSync(path.join(inside, 'sub'), { recursive: true });
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(inside, 'ok.js'), DISABLE);
    fs.writeFileSync(path.join(outside, 'secret.js'), DISABLE);
    fs.symlinkSync(path.join(outside, 'secret.js'), path.join(inside, 'link-out.js'));
    fs.symlinkSync('/proc/self/pagemap', path.join(inside, 'pagemap.js'));
    fs.symlinkSync(path.join(inside, 'ok.js'), path.join(inside, 'sub', 'link-in.js'));
    execFileSync('mkfifo', [path.join(inside, 'fifo.js')]);
  });

  it('readFileInside: regular files inside the roots, symlinks within them too', () => {
    assert.equal(readFileInside(path.join(inside, 'ok.js'), { roots: [inside] })?.toString(), DISABLE);
    assert.equal(readFileInside(path.join(inside, 'sub', 'link-in.js'), { roots: [inside] })?.toString(), DISABLE);
  });

  it('readFileInside refuses .. escapes, symlinks out, /proc, FIFOs (without blocking) and directories', () => {
    const roots = [inside];
    assert.equal(readFileInside(path.join(inside, '..', 'elsewhere', 'secret.js'), { roots }), undefined);
    assert.equal(readFileInside(path.join(outside, 'secret.js'), { roots }), undefined);
    assert.equal(readFileInside(path.join(inside, 'link-out.js'), { roots }), undefined);
    assert.equal(readFileInside(path.join(inside, 'pagemap.js'), { roots }), undefined);
    assert.equal(readFileInside('/proc/self/pagemap', { roots: ['/'] }), undefined, '/proc is refused even inside a root');
    assert.equal(readFileInside('/proc/self/environ', { roots: ['/proc'] }), undefined);
    assert.equal(readFileInside(path.join(inside, 'fifo.js'), { roots }), undefined);
    assert.equal(readFileInside(path.join(inside, 'sub'), { roots }), undefined);
    assert.equal(resolveInside(path.join(inside, 'link-out.js'), roots), null);
  });

  it('readFileInside reads up to the cap and refuses a byte more', () => {
    const file = path.join(inside, 'big.js');
    fs.writeFileSync(file, Buffer.alloc(1000, 0x61));
    assert.equal(readFileInside(file, { roots: [inside], maxBytes: 1000 })?.length, 1000);
    assert.equal(readFileInside(file, { roots: [inside], maxBytes: 999 }), undefined);
    assert.equal(MAX_SOURCE_BYTES, 2 * 1024 * 1024);
  });

  it('span-lens check --from reads the files its spans name only inside the input folder and the current one', async () => {
    const at = (file: string, line = 1) => ({ file, line, column: 1 });
    const spans = [
      schemaSpan({ name: 'inside', endTimeUnixNano: null, location: at('ok.js') }),
      schemaSpan({ name: 'dotdot', endTimeUnixNano: null, location: at('../elsewhere/secret.js') }),
      schemaSpan({ name: 'absolute', endTimeUnixNano: null, location: at(path.join(outside, 'secret.js')) }),
      schemaSpan({ name: 'symlink', endTimeUnixNano: null, location: at('link-out.js') }),
      schemaSpan({ name: 'proc', endTimeUnixNano: null, location: at('/proc/self/pagemap') }),
      schemaSpan({ name: 'fifo', endTimeUnixNano: null, location: at('fifo.js') }),
    ];
    fs.writeFileSync(path.join(inside, 'out.txt'), framedOutput(spans));
    const started = Date.now();
    const r = await cli(['check', '--from', 'out.txt', '--json'], inside);
    assert.ok(Date.now() - started < 20_000, 'check took too long');
    const flagged = (JSON.parse(r.out) as { findings: { rule: string; message: string }[] }).findings
      .filter((f) => f.rule === 'unended-span')
      .map((f) => /span "(\w+)"/.exec(f.message)?.[1])
      .sort();
    // Only the file inside was read, so only its finding was disabled by its comment.
    assert.deepEqual(flagged, ['absolute', 'dotdot', 'fifo', 'proc', 'symlink']);
  });

  it('source collection skips symlinks out of the project and /proc files', () => {
    const crate = path.join(base, 'crate');
    fs.mkdirSync(path.join(crate, 'src'), { recursive: true });
    fs.writeFileSync(path.join(crate, 'Cargo.toml'), '[package]\nname = "c"\nversion = "0.1.0"\n');
    fs.writeFileSync(path.join(crate, 'src', 'main.rs'), 'fn main() {}\n');
    fs.writeFileSync(path.join(outside, 'stolen.rs'), 'secret\n');
    fs.symlinkSync(path.join(outside, 'stolen.rs'), path.join(crate, 'src', 'stolen.rs'));
    fs.symlinkSync('/proc/self/pagemap', path.join(crate, 'src', 'pagemap.rs'));
    const sources = collectSources(path.join(crate, 'src', 'main.rs'));
    assert.ok(sources.has(path.join(crate, 'src', 'main.rs')));
    assert.deepEqual([...sources.keys()].filter((k) => /stolen|pagemap/.test(k)), []);
  });
});
