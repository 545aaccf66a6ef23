import { QUOTE, BACKSLASH, OPEN_OBJECT, CLOSE_OBJECT, OPEN_ARRAY, CLOSE_ARRAY } from './json-codes.js';

/**
 * JSON a client sends nests at most this many levels of objects and arrays. JSON.parse builds
 * any depth (an 8 MiB `[[[...]]]` is four million nested arrays, hundreds of MB), but every
 * recursive walk afterwards (validation, JSON.stringify, the request log) overflows the stack
 * somewhere past a few thousand, so deeper text is refused before it is parsed. No AWS input of
 * these APIs comes near it; AgentCore examples (100 levels) sit 4 levels deep in their request.
 */
export const MAX_JSON_DEPTH = 128;

/**
 * True when JSON text nests objects and arrays deeper than `limit` (brackets inside strings do
 * not count). One linear pass that allocates nothing and stops at the first level too deep;
 * strings are skipped with indexOf, so a 7 MB base64 blob costs a few milliseconds. Invalid
 * JSON may answer either way: JSON.parse refuses it afterwards.
 */
export function nestsDeeperThan(text: string, limit: number): boolean {
  // Text cannot nest deeper than it has opening brackets, and most has far fewer than `limit`:
  // counting them is a few native searches, where the scan below looks at every character (a
  // third of the validation time of a 5 MB manifest of short lines).
  if (!opensMoreThan(text, limit)) return false;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      // The string ends at the next quote preceded by an even number of backslashes.
      for (;;) {
        const end = text.indexOf('"', i + 1);
        if (end < 0) return false;
        let slashes = 0;
        for (let j = end - 1; text.charCodeAt(j) === BACKSLASH; j--) slashes++;
        i = end;
        if (slashes % 2 === 0) break;
      }
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (++depth > limit) return true;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth--;
    }
  }
  return false;
}

/** True when `text` holds more than `limit` `{` and `[` together (inside strings or not). */
function opensMoreThan(text: string, limit: number): boolean {
  let count = 0;
  for (let i = text.indexOf('{'); i >= 0; i = text.indexOf('{', i + 1)) if (++count > limit) return true;
  for (let i = text.indexOf('['); i >= 0; i = text.indexOf('[', i + 1)) if (++count > limit) return true;
  return false;
}
