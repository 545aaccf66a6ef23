// The class names of a YOLO data.yaml. Only the `names` key is read, in the forms Ultralytics and
// others write: a block map (`0: cat`), a block list (`- cat`), or a flow list or map
// (`[cat, dog]`, `{0: cat, 1: dog}`); scalars plain, 'single' or "double" quoted. Not a YAML parser.

import { ImportFormatError } from './import-lines.js';

/** The names by class id (a list: index = id), or undefined when data.yaml has no `names`. */
export function parseYoloNames(yaml: string): string[] | undefined {
  const lines = yaml.split(/\r?\n/);
  const at = lines.findIndex((line) => /^names\s*:/.test(line));
  if (at < 0) return undefined;
  const rest = stripComment(lines[at].slice(lines[at].indexOf(':') + 1)).trim();
  if (rest.startsWith('[')) return flowItems(rest, '[', ']').map(scalar);
  if (rest.startsWith('{')) return fromPairs(flowItems(rest, '{', '}').map(pair));
  if (rest !== '') throw new ImportFormatError(`data.yaml: cannot read names: ${rest.slice(0, 80)}`);
  const block: string[] = [];
  for (const line of lines.slice(at + 1)) {
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    if (!/^(\s|- )/.test(line)) break;
    block.push(stripComment(line).trim());
  }
  if (block.every((item) => item.startsWith('-'))) return block.map((item) => scalar(item.slice(1).trim()));
  return fromPairs(block.map(pair));
}

function fromPairs(pairs: [string, string][]): string[] {
  const names: string[] = [];
  for (const [key, value] of pairs) {
    const id = Number(key);
    if (!Number.isInteger(id) || id < 0 || id > 100_000) throw new ImportFormatError(`data.yaml: names has a key that is not a class number: ${key}`);
    names[id] = value;
  }
  return Array.from(names, (name, id) => name ?? String(id));
}

function pair(item: string): [string, string] {
  const colon = item.indexOf(':');
  if (colon < 0) throw new ImportFormatError(`data.yaml: cannot read names entry: ${item.slice(0, 80)}`);
  return [scalar(item.slice(0, colon).trim()), scalar(item.slice(colon + 1).trim())];
}

/** The items of a one-line flow collection, split at commas outside quotes. */
function flowItems(text: string, open: string, close: string): string[] {
  const end = text.lastIndexOf(close);
  if (!text.startsWith(open) || end < 0) throw new ImportFormatError(`data.yaml: names is not closed: ${text.slice(0, 80)}`);
  const items: string[] = [];
  let current = '';
  let quote: string | undefined;
  for (let i = 1; i < end; i++) {
    const c = text[i];
    if (quote) {
      current += c;
      if (c === '\\' && quote === '"') current += text[++i] ?? '';
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
      current += c;
    } else if (c === ',') {
      items.push(current.trim());
      current = '';
    } else current += c;
  }
  if (current.trim() !== '') items.push(current.trim());
  return items;
}

function scalar(text: string): string {
  if (text.startsWith('"') && text.endsWith('"') && text.length >= 2) {
    try {
      return JSON.parse(text) as string;
    } catch {
      throw new ImportFormatError(`data.yaml: bad quoted name: ${text.slice(0, 80)}`);
    }
  }
  if (text.startsWith("'") && text.endsWith("'") && text.length >= 2) return text.slice(1, -1).replaceAll("''", "'");
  return text;
}

/** A `#` comment after a scalar (outside quotes). */
function stripComment(text: string): string {
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) return text.slice(0, i);
  }
  return text;
}
