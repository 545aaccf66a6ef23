// The members of a COCO annotation an import uses (id, image_id, category_id, bbox), read from
// its JSON bytes without JSON.parse building it. An annotation is mostly its segmentation, a
// polygon of numbers the import never uses: parsing it cost most of reading a COCO file. The
// reader takes only texts it can read exactly as JSON.parse would, and answers undefined for
// anything else (escapes, nested objects, a member of another type, invalid JSON, ...), which
// the caller then parses with JSON.parse: a file's errors and messages stay what they were.

import { QUOTE, BACKSLASH, COMMA, COLON, OPEN_OBJECT, CLOSE_OBJECT, OPEN_ARRAY, CLOSE_ARRAY, isJsonSpace } from '../../lib/json-codes.js';

/** What the import keeps of an annotation: each member as JSON.parse gives it, absent when absent. */
export type AnnotationMembers = {
  id?: number | string;
  image_id?: number | string;
  category_id?: number | string;
  /** The bbox when it is an array of four numbers; `false` when the member is anything else. */
  bbox?: number[] | false;
};

const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

/** A failed read: the text is not of the simple form read here (or not JSON at all). */
const NO = -1;

// What the last value read was (kept here rather than returned: the readers return where they stopped).
const state: { value: number | string | undefined; numbers: number[] | undefined } = { value: undefined, numbers: undefined };

/**
 * The annotation's members when `text` is a JSON object whose member values are numbers,
 * strings without escapes, literals or arrays of those, and id, image_id and category_id are
 * numbers or strings; undefined otherwise (the caller parses it with JSON.parse).
 */
export function readAnnotationMembers(text: Buffer): AnnotationMembers | undefined {
  let at = space(text, 0);
  if (byteAt(text, at) !== OPEN_OBJECT) return undefined;
  const members: AnnotationMembers = {};
  at = space(text, at + 1);
  if (byteAt(text, at) === CLOSE_OBJECT) return space(text, at + 1) === text.length ? members : undefined;
  for (;;) {
    if (byteAt(text, at) !== QUOTE) return undefined;
    const keyStart = at + 1;
    at = skipString(text, at);
    if (at === NO) return undefined;
    const key = memberOf(text, keyStart, at - 1);
    at = space(text, at);
    if (byteAt(text, at) !== COLON) return undefined;
    at = space(text, at + 1);
    if (key === undefined) at = skipValue(text, at);
    else {
      at = value(text, at, key === 'bbox');
      if (at === NO) return undefined;
      // JSON.parse keeps the last of repeated members: so does the assignment in order.
      if (key === 'bbox') members.bbox = state.numbers?.length === 4 ? state.numbers : false;
      // Another type (null, an array, a literal) is named in messages as JSON.parse gives it: left to it.
      else if (state.value === undefined) return undefined;
      else members[key] = state.value;
    }
    if (at === NO) return undefined;
    at = space(text, at);
    const next = byteAt(text, at);
    if (next === COMMA) {
      at = space(text, at + 1);
      continue;
    }
    return next === CLOSE_OBJECT && space(text, at + 1) === text.length ? members : undefined;
  }
}

/** Past a value that is no object (NO when it is one, or is not JSON), only checked. */
function skipValue(text: Buffer, at: number): number {
  const code = byteAt(text, at);
  if (code === OPEN_ARRAY) {
    at = space(text, at + 1);
    if (byteAt(text, at) === CLOSE_ARRAY) return at + 1;
    for (;;) {
      at = skipValue(text, at);
      if (at === NO) return NO;
      at = space(text, at);
      const next = byteAt(text, at);
      if (next === CLOSE_ARRAY) return at + 1;
      if (next !== COMMA) return NO;
      at = space(text, at + 1);
    }
  }
  if (code === MINUS || isDigit(code)) return number(text, at, false);
  if (code === QUOTE) return skipString(text, at);
  const literal = code === 0x74 ? TRUE : code === 0x66 ? FALSE : code === 0x6e ? NULL : undefined;
  return literal !== undefined && startsWith(text, literal, at) ? at + literal.length : NO;
}

/** Past a string without escapes or control characters (what JSON.parse reads as it stands). */
function skipString(text: Buffer, at: number): number {
  for (at++; ; at++) {
    const code = byteAt(text, at);
    if (code === QUOTE) return at + 1;
    // An escape, a control character (invalid JSON) or the end of the text (-1).
    if (code === BACKSLASH || code < 0x20) return NO;
  }
}

/** Past JSON's whitespace (space, tab, line feed, carriage return). */
function space(text: Buffer, at: number): number {
  for (;;) {
    const code = byteAt(text, at);
    if (!isJsonSpace(code)) return at;
    at++;
  }
}

/**
 * Past a value that is no object, keeping a number's or a string's value in state.value, and
 * with `wantNumbers` an array's numbers in state.numbers (NO when it is an object, or not JSON).
 */
function value(text: Buffer, at: number, wantNumbers: boolean): number {
  const code = byteAt(text, at);
  state.value = undefined;
  state.numbers = undefined;
  if (code === QUOTE) {
    const end = skipString(text, at);
    if (end !== NO) state.value = text.toString('utf8', at + 1, end - 1);
    return end;
  }
  if (code === MINUS || isDigit(code)) return number(text, at, true);
  if (code !== OPEN_ARRAY || !wantNumbers) return skipValue(text, at);
  const numbers: number[] = [];
  let onlyNumbers = true;
  at = space(text, at + 1);
  if (byteAt(text, at) !== CLOSE_ARRAY) {
    for (;;) {
      const item = byteAt(text, at);
      if (onlyNumbers && (item === MINUS || isDigit(item))) {
        at = number(text, at, true);
        if (at !== NO) numbers.push(state.value as unknown as number);
      } else {
        onlyNumbers = false;
        at = skipValue(text, at);
      }
      if (at === NO) return NO;
      at = space(text, at);
      const next = byteAt(text, at);
      if (next === CLOSE_ARRAY) break;
      if (next !== COMMA) return NO;
      at = space(text, at + 1);
    }
  }
  state.value = undefined;
  state.numbers = onlyNumbers ? numbers : undefined;
  return at + 1;
}

/** Past a number in JSON's grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
function number(text: Buffer, at: number, want: boolean): number {
  const start = at;
  let code = byteAt(text, at);
  if (code === MINUS) code = byteAt(text, ++at);
  // The digits as an integer, and how many follow the point: exact while under 2^53.
  let digits = 0;
  let count = 0;
  if (code === ZERO) code = byteAt(text, ++at);
  else if (code > ZERO && code <= NINE) {
    while (isDigit(code)) {
      digits = digits * 10 + (code - ZERO);
      count++;
      code = byteAt(text, ++at);
    }
  } else return NO;
  let decimals = 0;
  if (code === DOT) {
    code = byteAt(text, ++at);
    if (!isDigit(code)) return NO;
    while (isDigit(code)) {
      digits = digits * 10 + (code - ZERO);
      count++;
      decimals++;
      code = byteAt(text, ++at);
    }
  }
  let exponent = false;
  if (code === 0x65 || code === 0x45) {
    exponent = true;
    code = byteAt(text, ++at);
    if (code === PLUS || code === MINUS) code = byteAt(text, ++at);
    if (!isDigit(code)) return NO;
    while (isDigit(code)) code = byteAt(text, ++at);
  }
  if (!want) return at;
  const negative = byteAt(text, start) === MINUS;
  // Up to 15 digits and 22 decimals, digits / 10^decimals divides two exact doubles: one correctly
  // rounded operation, so the value JSON.parse reads (Clinger's fast path). Other numbers: Number().
  if (!exponent && count <= 15 && decimals <= 22) state.value = negative ? -(digits / POWERS_OF_TEN[decimals]) : digits / POWERS_OF_TEN[decimals];
  else state.value = Number(text.toString('latin1', start, at));
  return at;
}

const POWERS_OF_TEN = Array.from({ length: 23 }, (_, i) => 10 ** i);

/** The member name of text[start, end) when it is one the import reads. */
function memberOf(text: Buffer, start: number, end: number): MemberName | undefined {
  for (let i = 0; i < MEMBERS.length; i++) if (end - start === MEMBER_BYTES[i].length && startsWith(text, MEMBER_BYTES[i], start)) return MEMBERS[i];
  return undefined;
}

type MemberName = 'id' | 'image_id' | 'category_id' | 'bbox';
const MEMBERS: readonly MemberName[] = ['id', 'image_id', 'category_id', 'bbox'];
const MEMBER_BYTES = MEMBERS.map((name) => Buffer.from(name));
const [TRUE, FALSE, NULL] = ['true', 'false', 'null'].map((literal) => Buffer.from(literal));

function startsWith(text: Buffer, bytes: Buffer, at: number): boolean {
  for (let i = 0; i < bytes.length; i++) if (byteAt(text, at + i) !== bytes[i]) return false;
  return true;
}

/** The byte at `at`, or -1 past the end: never a read out of bounds, which slows every read that follows. */
function byteAt(text: Buffer, at: number): number {
  return at < text.length ? text[at] : -1;
}

function isDigit(code: number): boolean {
  return code >= ZERO && code <= NINE;
}
