/**
 * Reuses parts of a JSON request as they were sent, where they are exactly what JSON.stringify
 * would write for what JSON.parse made of them: storing an example then needs no second
 * serialization (JSON.stringify of a megabyte of examples took longer than validating them).
 * Anything the check is not sure of is left to JSON.stringify, so the text stored is the same
 * either way, byte for byte.
 */

import { QUOTE, BACKSLASH, COMMA, OPEN_OBJECT, CLOSE_OBJECT, OPEN_ARRAY, CLOSE_ARRAY, isJsonSpace } from './json-codes.js';

/** Escapes JSON.stringify writes in short form (\b \t \n \f \r \" \\); other control characters it writes as lower-case \u00XX. */
const SHORT_ESCAPES = new Set(['"', '\\', 'b', 'f', 'n', 'r', 't']);
const SHORT_FORM_CODES = new Set([0x08, 0x09, 0x0a, 0x0c, 0x0d]);

/**
 * The elements of the array at member `path` of the JSON object `text`, each as its text without
 * its own top-level member `omit`, when that text is exactly JSON.stringify's of the element
 * (JSON.parse'd, `omit` removed); `undefined` for an element where it may not be (whitespace,
 * an escape or a number written another way, a repeated key, a key JSON.parse would move first).
 * Undefined altogether when the array is not where JSON.parse would find it (a member on the way
 * repeated, or not an object or array). `text` must be JSON that JSON.parse accepted (other text
 * gives undefined), decoded from UTF-8 (so it holds no lone surrogate, which JSON.stringify
 * would escape). One forward scan, linear in the text whatever it holds.
 */
export function elementsAsSent(text: string, path: readonly string[], omit: string): (string | undefined)[] | undefined {
  let canonical = true;

  /** Skips whitespace at `i`; any there means the text is not as JSON.stringify writes it. */
  const skip = (i: number): number => {
    if (!isJsonSpace(text.charCodeAt(i))) return i;
    canonical = false;
    while (isJsonSpace(text.charCodeAt(i))) i++;
    return i;
  };
  // The next backslash at or after a position, searched once per backslash rather than once per
  // string (a search from each string would read the rest of the text every time). The scan only
  // moves forward.
  let backslash = -2;
  const backslashFrom = (i: number): number => {
    if (backslash !== -1 && backslash < i) backslash = text.indexOf('\\', i);
    return backslash;
  };
  /** The index of the closing quote of the string opening at `i`; checks its escapes. */
  const stringEnd = (i: number): number => {
    let end = i;
    for (;;) {
      end = text.indexOf('"', end + 1);
      if (end < 0) throw new NotJson();
      let slashes = 0;
      for (let j = end - 1; text.charCodeAt(j) === BACKSLASH; j--) slashes++;
      if (slashes % 2 === 0) break;
    }
    for (let at = backslashFrom(i + 1); at >= 0 && at < end; at = backslashFrom(at)) {
      const escaped = text[at + 1];
      if (escaped !== 'u') {
        // Two characters: a short escape, or \/ (which JSON.stringify never writes). Stepping six
        // past \/ would pass over the next string's first backslash, unchecked.
        if (!SHORT_ESCAPES.has(escaped)) canonical = false;
        at += 2;
        continue;
      }
      const hex = text.slice(at + 2, at + 6);
      const code = Number.parseInt(hex, 16);
      // \u escapes JSON.stringify writes: control characters without a short form, lower-case hex.
      if (code >= 0x20 || SHORT_FORM_CODES.has(code) || hex !== hex.toLowerCase()) canonical = false;
      at += 6;
    }
    return end;
  };
  /** Scans the value at `i` (no whitespace before it); returns the index after it. */
  const value = (i: number): number => {
    const c = text.charCodeAt(i);
    if (c === QUOTE) return stringEnd(i) + 1;
    if (c === OPEN_OBJECT) return object(i, -1);
    if (c === OPEN_ARRAY) {
      i = skip(i + 1);
      if (text.charCodeAt(i) === CLOSE_ARRAY) return i + 1;
      for (;;) {
        i = skip(value(i));
        if (text.charCodeAt(i) === CLOSE_ARRAY) return i + 1;
        if (text.charCodeAt(i) !== COMMA) throw new NotJson();
        i = skip(i + 1);
      }
    }
    if (i >= text.length || !/[-0-9tfn]/.test(text[i])) throw new NotJson();
    let end = i + 1;
    while (end < text.length && /[-+.eE0-9a-z]/.test(text[end])) end++;
    const token = text.slice(i, end);
    // true, false, null as themselves; a number only in the form JSON.stringify gives it back.
    if (token !== 'true' && token !== 'false' && token !== 'null' && String(Number(token)) !== token) canonical = false;
    return end;
  };
  // The array's elements, once found; `lost` when a member on the path repeats (JSON.parse would
  // take the last, this scan may have taken an earlier one).
  let elements: (string | undefined)[] | undefined;
  let lost = false;

  /**
   * Scans the object at `i` and returns the index after it. `level`: its depth on `path` (-1 off
   * the path); the member `path[level]` is scanned as the next level down, or as the array. In an
   * element (`omitted` given), `cut` receives the span of that member with the comma joining it to
   * a neighbour. A repeated name, or one JSON.parse orders first (an array index), makes the text
   * not canonical.
   */
  const object = (i: number, level: number, omitted?: string, cut?: [number, number]): number => {
    const names: string[] = [];
    let large: Set<string> | undefined;
    let repeated = false;
    i = skip(i + 1);
    if (text.charCodeAt(i) === CLOSE_OBJECT) return i + 1;
    for (;;) {
      const keyStart = i;
      const keyEnd = stringEnd(i);
      const raw = text.slice(i + 1, keyEnd);
      const name = raw.includes('\\') ? (JSON.parse(text.slice(i, keyEnd + 1)) as string) : raw;
      // A linear search while the object is small, a set once it is not (a hostile element may have thousands of keys).
      if (large ? large.has(name) : names.includes(name)) repeated = true;
      if (large) large.add(name);
      else if (names.push(name) > 16) large = new Set(names);
      const first = name.charCodeAt(0);
      if (first >= 0x30 && first <= 0x39) canonical = false;
      i = skip(keyEnd + 1);
      i = skip(i + 1);
      if (level >= 0 && name === path[level]) {
        if (repeated) lost = true;
        const c = text.charCodeAt(i);
        if (level + 1 === path.length && c === OPEN_ARRAY) i = array(i);
        else if (level + 1 < path.length && c === OPEN_OBJECT) i = object(i, level + 1);
        else i = value(i);
      } else {
        i = value(i);
      }
      i = skip(i);
      if (text.charCodeAt(i) !== COMMA && text.charCodeAt(i) !== CLOSE_OBJECT) throw new NotJson();
      if (cut && name === omitted) [cut[0], cut[1]] = [keyStart, text.charCodeAt(i) === COMMA ? skip(i + 1) : i];
      if (text.charCodeAt(i) === CLOSE_OBJECT) {
        if (repeated) canonical = false;
        // A last member is cut with the comma before it.
        if (cut && cut[1] === i && cut[0] > 0 && text.charCodeAt(cut[0] - 1) === COMMA) cut[0]--;
        return i + 1;
      }
      i = skip(i + 1);
    }
  };

  /** Scans the array at the end of the path, element by element; returns the index after it. */
  const array = (i: number): number => {
    const found: (string | undefined)[] = [];
    elements = found;
    i = skip(i + 1);
    if (text.charCodeAt(i) === CLOSE_ARRAY) return i + 1;
    for (;;) {
      canonical = true;
      const start = i;
      const cut: [number, number] = [-1, -1];
      const end = text.charCodeAt(i) === OPEN_OBJECT ? object(i, -1, omit, cut) : value(i);
      found.push(canonical ? (cut[0] >= 0 ? text.slice(start, cut[0]) + text.slice(cut[1], end) : text.slice(start, end)) : undefined);
      i = skip(end);
      if (text.charCodeAt(i) === CLOSE_ARRAY) return i + 1;
      if (text.charCodeAt(i) !== COMMA) throw new NotJson();
      i = skip(i + 1);
    }
  };

  const start = skip(0);
  if (text.charCodeAt(start) !== OPEN_OBJECT) return undefined;
  try {
    object(start, 0);
  } catch (error) {
    // Text JSON.parse did not accept (the caller's mistake) is not read as sent.
    if (error instanceof NotJson) return undefined;
    throw error;
  }
  return lost ? undefined : elements;
}

class NotJson extends Error {}
