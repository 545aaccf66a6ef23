import { readFileSync } from 'node:fs';
import { peakRss, resetPeak, rss, spawnTrove } from '../../test/harness/process.js';
import type { TroveProcess } from '../../test/harness/process.js';
import { signedFetch } from '../../test/harness/sigv4.js';

export type { TroveProcess };
export { peakRss, resetPeak, rss, spawnTrove };

/** A raw awsJson1_1 call signed with the local test/test pair (no SDK overhead in the measurements). */
export async function rekognition<T = Record<string, unknown>>(url: string, operation: string, input: unknown): Promise<T> {
  const response = await signedFetch(`${url}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `RekognitionService.${operation}` },
    body: JSON.stringify(input),
  });
  const body = (await response.json()) as T;
  if (response.status !== 200) throw new Error(`${operation}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

/** A call to Trove's own API (`/_trove/api/...`, restJson, service `trove`) signed with the local pair. */
export async function troveApi<T = Record<string, unknown>>(url: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await signedFetch(`${url}${path}`, {
    method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
  }, { service: 'trove' });
  const answer = (await response.json()) as T;
  if (response.status !== 200) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(answer)}`);
  return answer;
}

/**
 * Writes `count` manifest lines (`line(i)`) into a dataset as UpdateDatasetEntries changes of
 * about 5 MB each, waiting for each to reach UPDATE_COMPLETE (the benches' large datasets).
 */
export async function loadLines(url: string, datasetArn: string, count: number, line: (i: number) => string): Promise<void> {
  for (let start = 0; start < count;) {
    const batch: string[] = [];
    for (let bytes = 0; start < count && bytes < 5_000_000; start++) {
      const text = line(start);
      batch.push(text);
      bytes += Buffer.byteLength(text) + 1;
    }
    await rekognition(url, 'UpdateDatasetEntries', { DatasetArn: datasetArn, Changes: { GroundTruth: Buffer.from(batch.join('\n')).toString('base64') } });
    const settled = await waitSettled(url, datasetArn);
    if (settled.Status !== 'UPDATE_COMPLETE') throw new Error(JSON.stringify(settled));
  }
}

export async function waitSettled(url: string, datasetArn: string): Promise<Record<string, any>> {
  for (;;) {
    const { DatasetDescription } = await rekognition<{ DatasetDescription: Record<string, any> }>(url, 'DescribeDataset', { DatasetArn: datasetArn });
    if (!String(DatasetDescription.Status).endsWith('_IN_PROGRESS')) return DatasetDescription;
    // Polling every 10 ms keeps the measurement fine-grained without stealing the server's CPU.
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, performance.now() - start];
}

export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
export const ms = (value: number) => `${value.toFixed(1)} ms`;

export function readJsonLines(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n').filter(Boolean);
}

/** CPU time (user + system) the process has used so far, ms, from /proc (Linux). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the command name.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/**
 * Waits until the Trove process is quiet: less than 5 ms of CPU in a 200 ms window. Work a
 * server does after a change has completed (SQLite's substring-index catch-up) otherwise lands
 * on the next measurement, so a benchmark comparing two operations one after the other would
 * charge one for the other's tail.
 */
export async function waitIdle(trove: TroveProcess, timeoutMs = 30_000): Promise<void> {
  const pid = trove.child.pid!;
  const deadline = Date.now() + timeoutMs;
  for (let before = cpuMs(pid); Date.now() < deadline;) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const now = cpuMs(pid);
    if (now - before < 5) return;
    before = now;
  }
  throw new Error('the Trove process did not become idle');
}
