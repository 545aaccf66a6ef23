import { isAscii } from 'node:buffer';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../lib/json-depth.js';

/**
 * A JSON request body as both protocols read it: empty is `{}` (AWS), anything but a JSON
 * object is refused, and so is a body nested deeper than MAX_JSON_DEPTH, found by a linear scan
 * before JSON.parse builds it. The protocol turns `problem` into its modelled client error
 * (awsJson SerializationException, restJson ValidationException CannotParse).
 */
export function readJsonObject(text: string): { value: Record<string, unknown> } | { problem: string } {
  if (text.trim() === '') return { value: {} };
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
    return { problem: `The request body nests objects and arrays deeper than ${MAX_JSON_DEPTH} levels.` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { problem: 'The request body is not valid JSON.' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { problem: 'The request body must be a JSON object.' };
  return { value: parsed as Record<string, unknown> };
}

/**
 * A request body's UTF-8 bytes as text. Most bodies are ASCII, and then their Latin-1 reading is
 * the same text, made by a copy instead of UTF-8 decoding (a megabyte of examples: ~0.1-0.5 ms
 * instead of ~0.7).
 */
export function utf8Text(bytes: Buffer): string {
  return bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
}
