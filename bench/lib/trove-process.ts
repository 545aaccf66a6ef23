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
