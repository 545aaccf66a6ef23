import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../harness/backends.js';
import { emptyDataset, historyClient, update } from '../../harness/history.js';
import { classificationLine } from '../../harness/rekognition.js';
import { startServer } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';

// Entry lines may be 100,000 characters, so a page of entries must stop by its bytes, not only by
// maxResults (up to 1000 here): a thousand such lines were read and answered as one 200 MB page.

const PAGE_CHARS = 4 * 1024 * 1024;

/** A valid line of about 95,000 characters (an extra member Rekognition keeps as it is). */
function longLine(i: number): string {
  const line = JSON.parse(classificationLine(`s3://not-in-the-store/long-${i}.png`, 'cat')) as Record<string, unknown>;
  return JSON.stringify({ ...line, notes: `${i}:${'n'.repeat(95_000)}` });
}

describe.each(BACKENDS)('pages of the Trove API stop by bytes (%s)', (backend) => {
  let server: TestServer;
  let arn: string;
  beforeAll(async () => {
    server = await startServer({ backend });
    const client = server.rekognition();
    arn = await emptyDataset(client, 'page-bytes');
    // 5 MB per change: 100 lines of 95 KB in two changes.
    for (const part of [0, 1]) {
      const done = await update(client, arn, ...Array.from({ length: 50 }, (_, i) => longLine(part * 50 + i)));
      expect(done.Status).toBe('UPDATE_COMPLETE');
    }
  });
  afterAll(async () => server?.close());

  it('ListDatasetRevisionEntries answers at most about 4 MiB of lines a page, and every entry exactly once over the pages', async () => {
    const history = historyClient(server.url);
    const seen: string[] = [];
    let pages = 0;
    let nextToken: string | undefined;
    do {
      const page = await history.entriesAt(arn, undefined, { maxResults: 1000, nextToken });
      const chars = page.entries.reduce((sum, line) => sum + line.length, 0);
      expect(chars).toBeLessThan(PAGE_CHARS + 100_000);
      seen.push(...page.entries.map((line) => (JSON.parse(line) as { notes: string }).notes.split(':')[0]));
      nextToken = page.nextToken;
      pages++;
    } while (nextToken);
    expect(pages).toBeGreaterThan(1);
    expect(seen.sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: 100 }, (_, i) => String(i)));
  });

  it('a page that ends exactly at the last entry has no token, and small pages are unchanged', async () => {
    const history = historyClient(server.url);
    const first = await history.entriesAt(arn, undefined, { maxResults: 30 });
    expect(first.entries).toHaveLength(30);
    const rest = [];
    let nextToken = first.nextToken;
    while (nextToken) {
      const page = await history.entriesAt(arn, undefined, { maxResults: 35, nextToken });
      rest.push(...page.entries);
      nextToken = page.nextToken;
    }
    expect(rest).toHaveLength(70);
  });
});
