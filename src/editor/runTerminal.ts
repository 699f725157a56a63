/**
 * A run's program in a terminal of its own: its output as it prints it (colours render), and what
 * the user types goes to its standard input, line by line, echoed as a terminal in cooked mode
 * would (Enter sends the line, Backspace edits it, Ctrl-D ends the input). Ctrl-C, or closing the
 * terminal, stops the run.
 */
import { PassThrough } from 'stream';
import * as vscode from 'vscode';

export class RunTerminal implements vscode.Disposable {
  /** The program's standard input. */
  readonly stdin = new PassThrough();
  private readonly written = new vscode.EventEmitter<string>();
  private readonly terminal: vscode.Terminal;
  private opened = false;
  private pending: string[] = [];
  private line = '';
  private running = true;
  /** The last character written ended a line (a summary then starts on its own line). */
  private atLineStart = true;

  constructor(name: string, onInterrupt: () => void) {
    const pty: vscode.Pseudoterminal = {
      onDidWrite: this.written.event,
      open: () => {
        this.opened = true;
        for (const text of this.pending) this.written.fire(text);
        this.pending = [];
      },
      close: () => {
        if (this.running) onInterrupt();
        this.running = false;
      },
      handleInput: (data) => this.input(data, onInterrupt),
    };
    this.terminal = vscode.window.createTerminal({ name, pty, isTransient: true, iconPath: new vscode.ThemeIcon('pulse') });
  }

  show(): void {
    this.terminal.show(true);
  }

  /** Program output, as printed (a bare newline becomes CR LF, as a terminal expects). */
  write(text: string): void {
    if (!text) return;
    this.atLineStart = text.endsWith('\n');
    this.emit(text.replace(/\r?\n/g, '\r\n'));
  }

  /** The run is over: say how it ended; typing no longer goes anywhere. */
  finish(summary: string): void {
    this.running = false;
    this.stdin.end();
    this.emit(`${this.atLineStart ? '' : '\r\n'}\x1b[2m${summary}\x1b[0m\r\n`);
  }

  private input(data: string, onInterrupt: () => void): void {
    if (!this.running) return;
    for (const ch of data) {
      if (ch === '\x03') {
        this.emit('^C\r\n');
        onInterrupt();
      } else if (ch === '\x04') {
        if (this.line) this.send(this.line);
        this.line = '';
        this.stdin.end();
      } else if (ch === '\r' || ch === '\n') {
        this.emit('\r\n');
        this.send(this.line + '\n');
        this.line = '';
      } else if (ch === '\x7f' || ch === '\b') {
        if (this.line) {
          this.line = this.line.slice(0, -1);
          this.emit('\b \b');
        }
      } else if (ch >= ' ') {
        this.line += ch;
        this.emit(ch);
      }
    }
  }

  private send(text: string): void {
    if (!this.stdin.writableEnded) this.stdin.write(text);
  }

  private emit(text: string): void {
    if (this.opened) this.written.fire(text);
    else this.pending.push(text);
  }

  dispose(): void {
    this.running = false;
    this.terminal.dispose();
    this.written.dispose();
  }
}
