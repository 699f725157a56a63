/**
 * Secrets in a waterfall DTO: span names, status messages, event names, notes and attribute keys
 * are shown with `maskSensitiveText` as everywhere else (tree, check, hovers, diagnostics). For a
 * page that leaves the machine (`span-lens html`, meant for bug reports) the values flagged
 * sensitive are replaced by their masked form too, so they are not in the page source at all.
 * Pure: no vscode, no Node APIs.
 */
import { AttrFlag, type RunDto } from '../protocol';
import { mask, maskSensitiveText } from './sensitive';

export interface RedactOptions {
  /**
   * True (the editor's panel): flagged attribute values stay in the DTO for the webview's Reveal
   * button, and the texts shown unasked are masked through new strings. False (a page to share):
   * every string is masked in place, so no original is left in the DTO.
   */
  keepRevealable: boolean;
}

/** The DTO with secrets masked as `options` says; `run` itself is changed and returned. */
export function redactRunDto(run: RunDto, options: RedactOptions): RunDto {
  const { strings } = run;
  if (!options.keepRevealable) {
    const sensitiveValues = new Set<number>();
    for (let i = 0; i < run.attrs.value.length; i++) if (run.attrs.flags[i] & AttrFlag.Sensitive) sensitiveValues.add(run.attrs.value[i]);
    for (let i = 0; i < strings.length; i++) strings[i] = sensitiveValues.has(i) ? mask(strings[i]) : maskSensitiveText(strings[i]);
  } else {
    // Texts shown without asking point at a masked copy; the original stays for revealed values.
    const masked = new Map<number, number>();
    const shown = (index: number): number => {
      if (index < 0) return index;
      let to = masked.get(index);
      if (to === undefined) {
        const text = maskSensitiveText(strings[index]);
        to = text === strings[index] ? index : strings.push(text) - 1;
        masked.set(index, to);
      }
      return to;
    };
    const remap = (column: number[]) => {
      for (let i = 0; i < column.length; i++) column[i] = shown(column[i]);
    };
    remap(run.spans.name);
    remap(run.spans.statusMessage);
    remap(run.events.name);
    remap(run.notes.text);
    remap(run.attrs.key);
  }
  for (const t of run.traces) t.rootName = maskSensitiveText(t.rootName);
  run.title = maskSensitiveText(run.title);
  if (!options.keepRevealable) run.runId = maskSensitiveText(run.runId);
  return run;
}
