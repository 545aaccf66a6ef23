/**
 * The character codes of JSON's structure, one set for the scanners that read JSON text or bytes
 * without parsing it (depth checks, array splitters, the as-sent check, the COCO annotation reader,
 * line splitters, the base64 extractor): UTF-16 code units and UTF-8 bytes agree on all of them.
 */
export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const COMMA = 0x2c;
export const COLON = 0x3a;
export const OPEN_OBJECT = 0x7b;
export const CLOSE_OBJECT = 0x7d;
export const OPEN_ARRAY = 0x5b;
export const CLOSE_ARRAY = 0x5d;

/** JSON's whitespace: space, tab, line feed, carriage return. */
export function isJsonSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}
