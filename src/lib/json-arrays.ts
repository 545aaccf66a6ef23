// Reads the elements of the arrays of a top-level JSON object while the bytes stream in, without
// ever holding the whole document: a COCO file of 250,000 images is read element by element, and
// only the current element (an image, an annotation, a category) is in memory. The scanner only
// tracks strings, escapes and nesting; each element wanted is handed out as its JSON bytes (its
// text on demand, for JSON.parse), and everything else (other keys, the members of unwanted
// arrays) is skipped.

import { MAX_JSON_DEPTH } from './json-depth.js';
import { QUOTE, BACKSLASH, OPEN_OBJECT, CLOSE_OBJECT, OPEN_ARRAY, CLOSE_ARRAY, COMMA, COLON, isJsonSpace } from './json-codes.js';

/** The document is not an object of arrays, is cut short, or has an element over the size limit. */
export class JsonArraysError extends Error {}

/** An element of a wanted array: its bytes, and its text once asked for (a reader of bytes may need no text). */
export class ArrayElement {
  constructor(
    /** The top-level key whose array holds the element. */
    readonly key: string,
    /** The element's JSON bytes (a view of the chunk it lies in, valid until the next batch is asked for). */
    readonly bytes: Buffer,
  ) {}

  /** The element's JSON text. */
  get text(): string {
    return this.bytes.toString('utf8').trim();
  }
}

const MAX_KEY_BYTES = 256;
/** The bytes that change the scanner's state inside an element: a quote and the four brackets. */
const NESTING = new Uint8Array(256);
for (const byte of [QUOTE, OPEN_OBJECT, CLOSE_OBJECT, OPEN_ARRAY, CLOSE_ARRAY]) NESTING[byte] = 1;

/**
 * Yields every element of the arrays under the top-level keys in `wanted`, in document order,
 * the elements that end in one chunk of bytes at a time: one asynchronous step per chunk rather
 * than per element (a COCO file has a few elements per kilobyte). Throws JsonArraysError when the
 * document does not start with `{`, ends inside a value, or an element is larger than
 * `maxElementBytes` or nests deeper than `maxElementDepth`. Only structure is checked here: an
 * element's own syntax is JSON.parse's business.
 */
export async function* topLevelArrayElementBatches(
  chunks: AsyncIterable<Uint8Array>, wanted: ReadonlySet<string>, maxElementBytes: number, maxElementDepth = MAX_JSON_DEPTH,
): AsyncGenerator<ArrayElement[]> {
  // An element nesting deeper than this is refused before JSON.parse would build it (a 16 MB
  // `[[[...` is millions of arrays): the depth is counted here anyway, so the check is free.
  const maxDepth = maxElementDepth + 2;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let started = false;
  // The last string seen at depth 1 (a key, once a colon follows) and the key of the current value.
  let keyParts: number[] | undefined;
  let lastString = '';
  let currentKey: string | undefined;
  // Inside a wanted array (depth 2): the element being collected, from its first byte.
  let collecting = false;
  let element: Buffer[] = [];
  let elementBytes = 0;
  let elementStart = -1;

  const finish = (chunk: Buffer, end: number): ArrayElement | undefined => {
    if (!collecting || elementStart < 0) return undefined;
    // Most elements lie within one chunk: a view of it, without a copy.
    const bytes = element.length === 0 ? chunk.subarray(elementStart, end) : Buffer.concat([...element, chunk.subarray(elementStart, end)]);
    element = [];
    elementBytes = 0;
    elementStart = -1;
    return new ArrayElement(currentKey!, bytes);
  };

  for await (const raw of chunks) {
    const chunk = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    const out: ArrayElement[] = [];
    for (let i = 0; i < chunk.length; i++) {
      if (inString) {
        // Jump to the next quote or backslash: most of a string's bytes need no look.
        if (!keyParts && !escaped) {
          while (i < chunk.length && chunk[i] !== QUOTE && chunk[i] !== BACKSLASH) i++;
          if (i === chunk.length) break;
        }
        const byte = chunk[i];
        if (escaped) escaped = false;
        else if (byte === BACKSLASH) escaped = true;
        else if (byte === QUOTE) {
          inString = false;
          if (keyParts) {
            lastString = Buffer.from(keyParts).toString('utf8');
            keyParts = undefined;
          }
        } else if (keyParts && keyParts.length < MAX_KEY_BYTES) keyParts.push(byte);
        continue;
      }
      // Inside an element (depth 3 and more) only strings and brackets matter: numbers, commas,
      // colons and spaces, most of a COCO file's bytes, are passed over without a look.
      if (depth >= 3) {
        while (i < chunk.length && !NESTING[chunk[i]]) i++;
        if (i === chunk.length) break;
      }
      const byte = chunk[i];
      if (!started) {
        if (isJsonSpace(byte)) continue;
        // A UTF-8 byte-order mark before the document.
        if (byte === 0xef || byte === 0xbb || byte === 0xbf) continue;
        if (byte !== OPEN_OBJECT) throw new JsonArraysError('The document is not a JSON object.');
        started = true;
        depth = 1;
        continue;
      }
      if (elementStart < 0 && collecting && depth >= 2 && !isJsonSpace(byte) && byte !== COMMA && !(depth === 2 && byte === CLOSE_ARRAY)) {
        elementStart = i;
      }
      switch (byte) {
        case QUOTE:
          inString = true;
          if (depth === 1) keyParts = [];
          break;
        case COLON:
          if (depth === 1) currentKey = lastString;
          break;
        case OPEN_OBJECT:
        case OPEN_ARRAY:
          if (++depth > maxDepth) throw new JsonArraysError(`An element of "${currentKey}" nests deeper than ${maxElementDepth} levels.`);
          if (depth === 2 && byte === OPEN_ARRAY && currentKey !== undefined && wanted.has(currentKey)) collecting = true;
          break;
        case CLOSE_OBJECT:
        case CLOSE_ARRAY:
          if (depth === 2 && collecting) {
            const last = finish(chunk, i);
            if (last) out.push(last);
            collecting = false;
          }
          depth--;
          if (depth === 0) {
            if (out.length > 0) yield out;
            return;
          }
          break;
        case COMMA:
          if (depth === 2 && collecting) {
            const item = finish(chunk, i);
            if (item) out.push(item);
          }
          break;
      }
    }
    if (out.length > 0) yield out;
    // Carry the element collected so far into the next chunk, where it goes on from byte 0.
    if (collecting && elementStart >= 0) {
      element.push(chunk.subarray(elementStart));
      elementBytes += chunk.length - elementStart;
      elementStart = 0;
      if (elementBytes > maxElementBytes) {
        throw new JsonArraysError(`An element of "${currentKey}" is larger than ${maxElementBytes} bytes.`);
      }
    }
  }
  throw new JsonArraysError(started ? 'The document ends before its closing brace.' : 'The document is empty.');
}
