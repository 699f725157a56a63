'use strict';
// Span Lens in a real VS Code extension host: run a file, then check what a user sees — lenses on
// the exact start lines with the measured durations, hovers, diagnostics, the waterfall — stop a
// program that never ends, and open a saved trace file.
const assert = require('assert');
const fs = require('fs');
const path = require('path');
const vscode = require('vscode');
const { screenshot } = require('../screenshot');

const extensionId = 'span-lens.span-lens';
const workspace = () => vscode.workspace.workspaceFolders[0].uri.fsPath;
const fileUri = (name) => vscode.Uri.file(path.join(workspace(), name));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** 0-based lines of `file` carrying `// <tag>: <value>`, as value -> line. */
function markers(file, tag) {
  const out = new Map();
  fs.readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      const m = new RegExp(`//\\s*${tag}:\\s*(\\S+)`).exec(line);
      if (m) out.set(m[1], i);
    });
  return out;
}

/** The same duration text the extension shows (core/format.ts), recomputed here independently. */
function durationPattern(ns) {
  const ms = Number(ns) / 1e6;
  // Allow the rounding rules of formatDuration: whole ms from 10 ms up, 2 significant digits below.
  return ms >= 10 ? `${Math.round(ms)} ms` : null;
}

let api;

/**
 * Run an editor command, again when VS Code cancels it: a provider request is cancelled when the
 * editor it was made for changes (a document just shown, a lightbulb request racing ours).
 */
async function command(...args) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await vscode.commands.executeCommand(...args);
    } catch (err) {
      if (attempt >= 5 || !/Canceled/.test(String(err && err.message))) throw err;
      await sleep(200);
    }
  }
}

async function api_() {
  if (api) return api;
  const ext = vscode.extensions.getExtension(extensionId);
  api = await ext.activate();
  return api;
}

async function waitFor(what, fn, timeoutMs = 10_000) {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('Span Lens in the editor', function () {
  this.timeout(120_000);

  before(async () => {
    await api_();
  });

  it('activates cheaply and reports its activation time', async () => {
    const { activationMs } = await api_();
    console.log(`    activation took ${activationMs.toFixed(1)} ms in the extension host`);
    assert.ok(activationMs < 500, `activation took ${activationMs} ms`);
  });

  describe('after running checkout.js', () => {
    let view;
    let doc;
    const file = () => fileUri('checkout.js');

    before(async () => {
      doc = await vscode.workspace.openTextDocument(file());
      await vscode.window.showTextDocument(doc);
      view = await vscode.commands.executeCommand('spanLens.runFile', file());
      assert.ok(view, 'the run produced no result');
    });

    it('finds every span with the right parents', () => {
      const names = view.spans.map((s) => s.name).sort();
      assert.deepStrictEqual(names, ['cache.get', 'cache.get', 'cache.get', 'cache.get', 'cache.get', 'checkout', 'db.load_cart', 'payment.charge']);
      const byName = new Map(view.spans.map((s) => [s.name, s]));
      assert.strictEqual(byName.get('checkout').parentSpanId, null);
      assert.strictEqual(byName.get('db.load_cart').parentSpanId, byName.get('checkout').spanId);
      assert.strictEqual(byName.get('payment.charge').parentSpanId, byName.get('checkout').spanId);
      assert.strictEqual(view.exitCode, 0);
    });

    it('puts a lens with the measured duration on each start line', async () => {
      const lenses = await waitFor('code lenses', async () => {
        const l = await command('vscode.executeCodeLensProvider', file());
        return l && l.filter((x) => x.command && x.command.title.startsWith('$(watch)')).length >= 4 ? l : null;
      });
      const spanLenses = lenses.filter((l) => l.command && l.command.title.startsWith('$(watch)'));
      const byLine = new Map(spanLenses.map((l) => [l.range.start.line, l.command.title]));
      const expected = markers(file().fsPath, 'span');
      assert.deepStrictEqual([...byLine.keys()].sort((a, b) => a - b), [...expected.values()].sort((a, b) => a - b), `lenses sit exactly on the start lines: ${JSON.stringify([...byLine])}`);
      for (const [name, line] of expected) {
        const title = byLine.get(line);
        const spans = view.spans.filter((s) => s.name === name);
        if (spans.length === 1) {
          assert.ok(title.endsWith(`· ${name}`), title);
          const d = BigInt(spans[0].endTimeUnixNano) - BigInt(spans[0].startTimeUnixNano);
          const shown = durationPattern(d);
          if (shown) assert.ok(title.startsWith(`$(watch) ${shown}`), `${title} should show ${shown}`);
        } else {
          assert.match(title, new RegExp(`^\\$\\(watch\\) ×${spans.length} · p50 .+ · max .+ · ${name.replace('.', '\\.')}$`));
        }
      }
      // The sleeps make the durations at least what the program waited.
      const charge = view.spans.find((s) => s.name === 'payment.charge');
      assert.ok(Number(BigInt(charge.endTimeUnixNano) - BigInt(charge.startTimeUnixNano)) >= 40e6);
    });

    it('shows attributes, events, kind and a waterfall link on hover, with secrets masked', async () => {
      const line = markers(file().fsPath, 'span').get('payment.charge');
      const hovers = await command('vscode.executeHoverProvider', file(), new vscode.Position(line, 10));
      const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
      assert.match(text, /payment\\\.charge/);
      assert.match(text, /INTERNAL/);
      assert.match(text, /`payment\.amount`: 19\\\.99/);
      assert.match(text, /\+\d[\d.]* ms calling payment provider/);
      assert.match(text, /`customer\.email`: ••••••/);
      assert.ok(!text.includes('jane.doe@example.com'), 'the email is masked');
      assert.match(text, /\[Show in waterfall\]\(command:spanLens\.showWaterfall/);
    });

    it('opens the waterfall and jumps to code from it', async () => {
      await vscode.commands.executeCommand('spanLens.showWaterfall');
      await waitFor('the waterfall panel', () => api.waterfall.visible);
      await sleep(1500);
      await screenshot('waterfall-and-lenses');
      const span = view.spans.find((s) => s.name === 'db.load_cart');
      await vscode.commands.executeCommand('spanLens.revealSpan', { spanId: span.spanId, traceId: span.traceId });
      const editor = vscode.window.activeTextEditor;
      assert.strictEqual(editor.document.uri.fsPath, file().fsPath);
      assert.strictEqual(editor.selection.start.line, markers(file().fsPath, 'span').get('db.load_cart'));
    });

    it('moves lenses with edits above them and drops one whose line changed', async () => {
      const editor = await vscode.window.showTextDocument(doc);
      const lines = markers(file().fsPath, 'span');
      await editor.edit((e) => e.insert(new vscode.Position(0, 0), '// an added line\n'));
      let lenses = await command('vscode.executeCodeLensProvider', file());
      let spanLines = lenses.filter((l) => l.command && l.command.title.startsWith('$(watch)')).map((l) => l.range.start.line);
      assert.ok(spanLines.includes(lines.get('checkout') + 1), `lens moved down: ${spanLines}`);
      const chargeLine = lines.get('payment.charge') + 1;
      await editor.edit((e) => e.insert(new vscode.Position(chargeLine, doc.lineAt(chargeLine).text.length), ' // edited'));
      lenses = await command('vscode.executeCodeLensProvider', file());
      spanLines = lenses.filter((l) => l.command && l.command.title.startsWith('$(watch)')).map((l) => l.range.start.line);
      assert.ok(!spanLines.includes(chargeLine), 'the edited line lost its lens');
      await vscode.commands.executeCommand('workbench.action.files.revert');
    });
  });

  it('puts findings on the lines that caused them, with rule codes and docs', async () => {
    const file = fileUri('pitfalls.js');
    const view = await vscode.commands.executeCommand('spanLens.runFile', file);
    assert.ok(view && view.spans.length >= 4, 'pitfalls.js made its spans');
    const diags = await waitFor('diagnostics', () => {
      const d = vscode.languages.getDiagnostics(file).filter((x) => x.source === 'Span Lens');
      return d.length ? d : null;
    });
    const expected = markers(file.fsPath, 'expect');
    for (const [rule, line] of expected) {
      const d = diags.find((x) => x.code && x.code.value === rule);
      assert.ok(d, `no ${rule} diagnostic (got ${diags.map((x) => `${x.code.value}@${x.range.start.line}`)})`);
      assert.strictEqual(d.range.start.line, line, `${rule} on its line`);
      assert.ok(String(d.code.target).endsWith(`docs/rules/${rule}.md`), String(d.code.target));
    }
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file));
    const actions = await command('vscode.executeCodeActionProvider', file, diags[0].range);
    assert.ok(actions.some((a) => a.title.startsWith('Disable ')), 'a disable-line quick fix is offered');
  });

  it('applies a quick fix, and the fixed program no longer triggers the rule', async () => {
    const copy = path.join(workspace(), 'fix-me.tmp.js');
    fs.copyFileSync(fileUri('pitfalls.js').fsPath, copy);
    try {
      const uri = vscode.Uri.file(copy);
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
      await vscode.commands.executeCommand('spanLens.runFile', uri);
      const diag = await waitFor('the cardinality diagnostic', () =>
        vscode.languages.getDiagnostics(uri).find((x) => x.source === 'Span Lens' && x.code.value === 'span-name-cardinality'),
      );
      const actions = await command('vscode.executeCodeActionProvider', uri, diag.range);
      const fix = actions.find((a) => a.edit && !a.title.startsWith('Disable '));
      assert.ok(fix, `a mechanical fix is offered (got ${actions.map((a) => a.title)})`);
      assert.ok(await vscode.workspace.applyEdit(fix.edit));
      await (await vscode.workspace.openTextDocument(uri)).save();
      assert.ok(!/`GET \/users\/\$\{userId\}`/.test(fs.readFileSync(copy, 'utf8')), 'the template literal is gone');
      const again = await vscode.commands.executeCommand('spanLens.runFile', uri);
      assert.ok(again.spans.some((s) => s.name.startsWith('GET /users')), 'the fixed program still makes its spans');
      assert.ok(!again.findings.some((f) => f.rule === 'span-name-cardinality'), JSON.stringify(again.findings.map((f) => f.rule)));
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      fs.rmSync(copy, { force: true });
    }
  });

  it('Toggle CodeLens hides the lenses and brings them back', async () => {
    const uri = fileUri('checkout.js');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    await vscode.commands.executeCommand('spanLens.runFile', uri);
    const count = async () => ((await command('vscode.executeCodeLensProvider', uri)) || []).filter((l) => l.command && /^\$\(watch\)/.test(l.command.title)).length;
    await waitFor('lenses', async () => (await count()) > 0);
    await vscode.commands.executeCommand('spanLens.toggleCodeLens');
    await waitFor('no lenses', async () => (await count()) === 0);
    await vscode.commands.executeCommand('spanLens.toggleCodeLens');
    await waitFor('lenses back', async () => (await count()) > 0);
  });

  it('clears lenses and diagnostics', async () => {
    await vscode.workspace.openTextDocument(fileUri('checkout.js'));
    await vscode.commands.executeCommand('spanLens.clear');
    const lenses = await command('vscode.executeCodeLensProvider', fileUri('checkout.js'));
    assert.strictEqual(lenses.filter((l) => l.command && l.command.title.startsWith('$(watch)')).length, 0);
    assert.strictEqual(vscode.languages.getDiagnostics(fileUri('pitfalls.js')).filter((x) => x.source === 'Span Lens').length, 0);
  });

  it('stops a program that loops forever, keeping the spans it made', async () => {
    const pending = vscode.commands.executeCommand('spanLens.runFile', fileUri('loop_forever.js'));
    await waitFor('the run to start', () => api.runs.running);
    await sleep(1500);
    const t0 = Date.now();
    await vscode.commands.executeCommand('spanLens.stop');
    const view = await pending;
    const took = Date.now() - t0;
    assert.ok(took < 2500, `stopping took ${took} ms`);
    assert.ok(view.spans.filter((s) => s.name === 'tick').length >= 5, `ticks before the stop: ${view.spans.length}`);
    assert.ok(!api.runs.running);
  });

  it('shows spans while the program runs: within 3 s the lens counts them; Stop ends it', async () => {
    const uri = fileUri('every_200ms.js');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const started = Date.now();
    const pending = vscode.commands.executeCommand('spanLens.runFile', uri);
    const jobLine = markers(uri.fsPath, 'span').get('job');
    const lens = await waitFor(
      'a live lens counting at least 2 jobs',
      async () => {
        const l = await command('vscode.executeCodeLensProvider', uri);
        const on = (l || []).find((x) => x.range.start.line === jobLine && x.command && /^\$\(watch\) ×(\d+)/.test(x.command.title));
        return on && Number(/^\$\(watch\) ×(\d+)/.exec(on.command.title)[1]) >= 2 ? on : null;
      },
      3000,
    );
    const seenAfter = Date.now() - started;
    console.log(`    live lens after ${seenAfter} ms: ${lens.command.title}`);
    assert.ok(api.runs.running, 'the program is still running');
    assert.ok(api.store.current && api.store.current.live, 'the view is the live one');
    await screenshot('live-run');
    await vscode.commands.executeCommand('spanLens.stop');
    const view = await pending;
    assert.ok(!api.runs.running);
    assert.ok(!view.live, 'the final view');
    assert.ok(view.spans.filter((s) => s.name === 'job').length >= 2);
  });

  it('running a second file keeps the first file’s lenses and Problems', async () => {
    const first = fileUri('checkout.js');
    await vscode.commands.executeCommand('spanLens.runFile', first);
    const lensesOf = async (uri) => ((await command('vscode.executeCodeLensProvider', uri)) || []).filter((l) => l.command && /^\$\(watch\)/.test(l.command.title));
    const before = await waitFor('checkout.js lenses', async () => ((await lensesOf(first)).length >= 3 ? lensesOf(first) : null));
    const second = await vscode.commands.executeCommand('spanLens.runFile', fileUri('pitfalls.js'));
    assert.ok(second && second.spans.length > 0, 'pitfalls.js ran');
    const after = await lensesOf(first);
    assert.deepStrictEqual(after.map((l) => [l.range.start.line, l.command.title.replace(/[\d.]+ ms/g, 'N ms')]), before.map((l) => [l.range.start.line, l.command.title.replace(/[\d.]+ ms/g, 'N ms')]), 'checkout.js keeps its lenses');
    assert.strictEqual(api.store.current.sourceFile, fileUri('pitfalls.js').fsPath, 'the waterfall shows the latest run');
    const problems = vscode.languages.getDiagnostics().filter(([, ds]) => ds.some((d) => d.source === 'Span Lens')).map(([u]) => path.basename(u.fsPath));
    assert.ok(problems.includes('pitfalls.js'), `Problems of both runs: ${problems}`);
  });

  it('runs the program in a terminal: what is typed there is its stdin', async () => {
    const uri = fileUri('echo_stdin.js');
    const pending = vscode.commands.executeCommand('spanLens.runFile', uri);
    const terminal = await waitFor('the run’s terminal', () => vscode.window.terminals.find((t) => t.name === 'Span Lens: echo_stdin.js'));
    await sleep(1000);
    terminal.sendText('hello');
    terminal.sendText('second line');
    await waitFor('the program’s spans, live', () => api.store.current && api.store.current.live && api.store.current.spans.length === 2);
    await screenshot('terminal-stdin');
    // Ctrl-D: the end of its input, as in any terminal.
    terminal.sendText('\x04', false);
    const view = await pending;
    assert.strictEqual(view.exitCode, 0);
    assert.deepStrictEqual(view.spans.map((s) => s.name), ['got hello', 'got second line']);
  });

  it('a second run shows the change on the lens: a sleep from 10 to 30 ms is ▲', async () => {
    const uri = fileUri('sleepy.js');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const config = vscode.workspace.getConfiguration('spanLens');
    const line = markers(uri.fsPath, 'span').get('payment.charge');
    const lensOn = async () => ((await command('vscode.executeCodeLensProvider', uri)) || []).find((l) => l.range.start.line === line && l.command && /^\$\(watch\)/.test(l.command.title));
    try {
      await config.update('run.env', { SLEEP_MS: '10' }, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('spanLens.runFile', uri);
      const first = await waitFor('the first lens', lensOn);
      assert.doesNotMatch(first.command.title, /[▲▼]/, `nothing to compare with yet: ${first.command.title}`);
      await config.update('run.env', { SLEEP_MS: '30' }, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('spanLens.runFile', uri);
      const second = await waitFor('a lens with the change', async () => {
        const l = await lensOn();
        return l && /▲ \+\d+ ms/.test(l.command.title) ? l : null;
      });
      console.log(`    ${second.command.title}`);
      assert.match(second.command.title, /^\$\(watch\) \d+ ms · payment\.charge ▲ \+(1[5-9]|[2-9]\d) ms$/);
    } finally {
      await config.update('run.env', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('opens a saved trace file without running anything', async () => {
    const view = await vscode.commands.executeCommand('spanLens.openTraceFile', fileUri('saved-go-output.txt'));
    assert.ok(view);
    assert.deepStrictEqual(view.spans.map((s) => s.name).sort(), ['checkout', 'db.load_cart', 'payment.charge']);
    assert.strictEqual(view.sourceFile, undefined);
  });
});
