/**
 * The tokens of SQLite's substring index (SourceRefContains), an FTS5 table with the `ascii`
 * tokenizer whose rowid is the entry row id, and the FTS5 queries that read it.
 *
 * A source-ref is indexed by its windows of GRAM characters, one starting at each character
 * (the last GRAM - 1 are shorter, ending with the source-ref). Every occurrence of a substring of
 * GRAM characters or fewer is then the start of a window, so one prefix query finds exactly the
 * source-refs that contain it; a longer substring is found through its own windows, each of which
 * every match holds. Five characters tell `img-00001` (100 of 250,000 source-refs) from the 11,000
 * that hold all of its trigrams. A window is written as the hex of its UTF-8 bytes (any character,
 * case kept, and a prefix of a window is a prefix of its token), after a scope letter:
 * every entry row has its windows under `g`; those without labels again under `u`, those with
 * errors again under `w`, so Labeled=false or HasErrors=true with a substring reads only the
 * windows of those entries (a row version's flags never change, like its source-ref).
 */
export const GRAM = 5;

export type GramScope = 'every' | 'unlabeled' | 'errors';

/** Scope letters: outside 0-9a-f, so a token's scope is its first character. */
const SCOPE_LETTERS: Readonly<Record<GramScope, string>> = { every: 'g', unlabeled: 'u', errors: 'w' };

/** The text of an entry row in the substring index: its distinct windows in each scope it is in. */
export function indexedText(sourceRef: string, isLabeled: boolean, hasErrors: boolean): string {
  const letters = SCOPE_LETTERS.every + (isLabeled ? '' : SCOPE_LETTERS.unlabeled) + (hasErrors ? SCOPE_LETTERS.errors : '');
  const tokens: string[] = [];
  for (const window of windowsOf(sourceRef, true)) for (const letter of letters) tokens.push(letter + window);
  return tokens.join(' ');
}

/**
 * The FTS5 query for the rows of `scope` whose source-ref may contain `text` (1+ characters):
 * a prefix term when `text` is shorter than GRAM characters (exactly the rows that contain it),
 * else its distinct windows, all of which a matching source-ref holds (callers AND the rarest
 * ones; a prefix term costs all of its postings at once, a window only those read).
 */
export function gramQuery(text: string, scope: GramScope): { prefix: string } | { windows: string[] } {
  const letter = SCOPE_LETTERS[scope];
  if ([...text].length < GRAM) return { prefix: `${letter}${hex(text)}*` };
  return { windows: windowsOf(text, false).map((window) => letter + window) };
}

/** An FTS5 query that all of `terms` occur (tokens of letters and digits need no quoting). */
export function allOf(terms: readonly string[]): string {
  return terms.join(' AND ');
}

/**
 * The hex of each distinct window of GRAM characters of `text`, in order of first occurrence;
 * with `tails`, also the shorter windows that end the text. Characters are code points, so a
 * window never splits one.
 */
function windowsOf(text: string, tails: boolean): string[] {
  const bytes = hex(text);
  // Where each character starts in `bytes` (two hex digits a byte), and where the text ends.
  let starts: number[] | undefined;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0x7f) {
      starts = [];
      let at = 0;
      for (const char of text) {
        starts.push(at);
        at += 2 * Buffer.byteLength(char, 'utf8');
      }
      starts.push(at);
      break;
    }
  }
  const count = starts ? starts.length - 1 : text.length;
  const offset = (i: number) => (starts ? starts[i] : 2 * i);
  const seen = new Set<string>();
  const last = tails ? count - 1 : count - GRAM;
  for (let i = 0; i <= last; i++) seen.add(bytes.slice(offset(i), offset(Math.min(i + GRAM, count))));
  return [...seen];
}

function hex(text: string): string {
  return Buffer.from(text, 'utf8').toString('hex');
}
