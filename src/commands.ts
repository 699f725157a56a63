/** Command ids, one enum (house style habit 13); every command has category "Span Lens" in package.json. */
export const enum Command {
  RunFile = 'spanLens.runFile',
  Stop = 'spanLens.stop',
  Rerun = 'spanLens.rerun',
  ShowWaterfall = 'spanLens.showWaterfall',
  Clear = 'spanLens.clear',
  RevealSpan = 'spanLens.revealSpan',
  OpenTraceFile = 'spanLens.openTraceFile',
  ToggleCodeLens = 'spanLens.toggleCodeLens',
}

/** Context keys set for `when` clauses. */
export const enum ContextKey {
  Running = 'spanLens.running',
  HasRun = 'spanLens.hasRun',
}
