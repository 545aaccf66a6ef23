/**
 * Text from a server or a file, made safe to print on a terminal. Source-refs, label names,
 * messages and file names are chosen by whoever wrote a dataset or a file; printed as they are,
 * an ESC sequence in one could rewrite the terminal's screen or title, hide a line, or (OSC 52)
 * set the clipboard of whoever runs `trove datasets report`. Control characters other than line
 * feed and tab, and the bidirectional overrides that reorder what is shown, become visible
 * `\uNNNN` escapes, which JSON reads as the same characters (JSON.stringify escapes C0 controls
 * itself, but neither DEL, C1 controls nor the overrides), so `--json` output stays valid JSON.
 */
export function forTerminal(text: string): string {
  return text.replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
}

/** "1 line", "2 lines": a count with its noun, for human output (never for `--json`). */
export function counted(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}
