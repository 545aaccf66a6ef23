/** One scrape of a Prometheus text exposition: sample key (name + sorted labels) → value. */
export type Samples = ReadonlyMap<string, number>;

/** The key of a sample in `Samples`: `name{a="x",b="y"}` with labels in name order. */
export function sampleKey(name: string, labels: Readonly<Record<string, string>> = {}): string {
  const parts = Object.keys(labels).sort().map((label) => `${label}=${JSON.stringify(labels[label])}`);
  return parts.length === 0 ? name : `${name}{${parts.join(',')}}`;
}

/**
 * Parses the text format (version 0.0.4) the way a scraper reads it: comments skipped, every
 * sample line split into its name, labels (escaped quotes and backslashes honoured) and value.
 */
export function parseExposition(text: string): Samples {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[pair[1]] = pair[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    samples.set(sampleKey(match[1], labels), Number(match[3]));
  }
  return samples;
}

/** GET /_trove/metrics, parsed; fails unless it answers 200 in the text format. */
export async function scrape(baseUrl: string, token?: string): Promise<Samples> {
  const response = await fetch(`${baseUrl}/_trove/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (response.status !== 200) throw new Error(`GET /_trove/metrics answered ${response.status}: ${await response.text()}`);
  if (!response.headers.get('content-type')?.startsWith('text/plain; version=0.0.4')) throw new Error(`unexpected content type ${response.headers.get('content-type')}`);
  return parseExposition(await response.text());
}

/** How much a sample grew between two scrapes (a sample absent before counts from 0). */
export function delta(before: Samples, after: Samples, name: string, labels: Readonly<Record<string, string>> = {}): number {
  const key = sampleKey(name, labels);
  return (after.get(key) ?? 0) - (before.get(key) ?? 0);
}
