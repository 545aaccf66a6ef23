/**
 * True when a key press belongs to a field being typed in (text inputs, selects, text areas, an
 * open <summary>): the console's single-key shortcuts leave those alone. A checkbox is no field:
 * after ticking one, S still saves.
 */
export function typingIn(target: EventTarget | null): boolean {
  return (target as Element | null)?.closest?.('input:not([type=checkbox]):not([type=radio]), select, textarea, summary') != null;
}
