// An AgentCore dataset version as CSV, streamed in constant memory: one row per example, the
// column `exampleId` and then one column per top-level member of the examples, in the order the
// members first appear. The columns are known only after every example was seen, so the version
// is read twice (a version is immutable, the DRAFT's revision is pinned by the link).

import { DownloadRefused } from '../downloads/download-service.js';

/** Examples of one pinned revision, page by page; each call starts from the beginning. */
export interface ExamplePages {
  pages(): AsyncIterable<readonly { readonly exampleId: string; readonly content: string }[]>;
}

/** More columns than this and the examples are not tabular: the export fails rather than grow without bound. */
export const MAX_CSV_COLUMNS = 1000;

export class TooManyColumns extends DownloadRefused {
  constructor() {
    super(`The examples have more than ${MAX_CSV_COLUMNS} distinct top-level members; export them as JSONL instead.`);
  }
}

/**
 * Yields the CSV text (RFC 4180: CRLF line ends, fields quoted when they hold a comma, quote or
 * line break). A string member is written as its text, any other value as its JSON, a missing
 * member as an empty field.
 */
export async function* csvExport(source: ExamplePages): AsyncGenerator<string> {
  const columns = new Map<string, number>();
  for await (const page of source.pages()) {
    for (const { content } of page) {
      for (const key of Object.keys(JSON.parse(content) as object)) {
        if (!columns.has(key)) columns.set(key, columns.size);
        if (columns.size > MAX_CSV_COLUMNS) throw new TooManyColumns();
      }
    }
  }
  yield `${['exampleId', ...columns.keys()].map(csvField).join(',')}\r\n`;
  for await (const page of source.pages()) {
    let out = '';
    for (const { exampleId, content } of page) {
      const fields = new Array<string>(columns.size).fill('');
      for (const [key, value] of Object.entries(JSON.parse(content) as Record<string, unknown>)) {
        const at = columns.get(key);
        if (at !== undefined) fields[at] = csvField(typeof value === 'string' ? value : JSON.stringify(value));
      }
      out += `${[csvField(exampleId), ...fields].join(',')}\r\n`;
    }
    yield out;
  }
}

export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
