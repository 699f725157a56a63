/**
 * What package.json contributes is what the extension does: every command it lists is one the
 * code knows, with the "Span Lens" category; no default key collides with the OS or VS Code
 * (Ctrl+Alt+T opens a terminal on Ubuntu); a runnable file can be run from the Explorer.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';

const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8'));
const commandsTs = fs.readFileSync(path.resolve(__dirname, '../../src/commands.ts'), 'utf8');
const commandEnum = /export const enum Command \{([^}]*)\}/.exec(commandsTs)![1];
const known = new Set([...commandEnum.matchAll(/=\s*'(spanLens\.[A-Za-z]+)'/g)].map((m) => m[1]));

describe('package.json contributions', () => {
  it('every contributed command is in the Command enum, with the Span Lens category, and every enum id is contributed', () => {
    const contributed: { command: string; category?: string }[] = pkg.contributes.commands;
    for (const c of contributed) {
      assert.ok(known.has(c.command), `${c.command} is not in src/commands.ts`);
      assert.strictEqual(c.category, 'Span Lens', c.command);
    }
    assert.deepStrictEqual([...known].sort(), contributed.map((c) => c.command).sort(), 'no command id the code uses goes uncontributed, none is dead');
  });

  it('no default key collides with the OS or VS Code’s own bindings', () => {
    const taken = ['ctrl+alt+t', 'ctrl+alt+l', 'ctrl+alt+d', 'ctrl+alt+delete', 'ctrl+alt+up', 'ctrl+alt+down', 'ctrl+alt+left', 'ctrl+alt+right', 'ctrl+shift+p', 'ctrl+p', 'f5'];
    for (const k of pkg.contributes.keybindings ?? []) assert.ok(!taken.includes(String(k.key).toLowerCase()), `${k.command} is bound to ${k.key}`);
  });

  it('a runnable file can be run from the Explorer and the editor context menu; CodeLens can be toggled from the palette', () => {
    const runnable = (when: string) => /resourceExtname/.test(when) && /py\|go\|java\|rs/.test(when);
    assert.ok(pkg.contributes.menus['explorer/context'].some((m: { command: string; when: string }) => m.command === 'spanLens.runFile' && runnable(m.when)));
    assert.ok(pkg.contributes.menus['editor/context'].some((m: { command: string; when: string }) => m.command === 'spanLens.runFile' && runnable(m.when)));
    assert.ok(pkg.contributes.commands.some((c: { command: string; title: string }) => c.command === 'spanLens.toggleCodeLens' && c.title === 'Toggle CodeLens'));
  });
});

describe('the walkthrough', () => {
  it('has the three steps of the onboarding, each with its page shipped in media/ and a command of ours or VS Code’s', () => {
    const [w] = pkg.contributes.walkthroughs;
    assert.deepStrictEqual(w.steps.map((s: { id: string }) => s.id), ['run', 'fix', 'open']);
    for (const step of w.steps) {
      const page = path.resolve(__dirname, '../..', step.media.markdown);
      assert.ok(fs.existsSync(page), `${step.media.markdown} exists`);
      assert.ok(step.media.markdown.startsWith('media/'), 'shipped: .vscodeignore keeps media/**');
      const commands = [...String(step.description).matchAll(/\(command:([\w.]+)\)/g)].map((m) => m[1]);
      for (const c of commands) assert.ok(known.has(c) || c.startsWith('workbench.'), `${step.id}: ${c}`);
    }
  });
});
