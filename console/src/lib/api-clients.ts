import { DatasetHistoryClient } from '../../../src/client/dataset-history-client.js';
import { ExchangeClient } from '../../../src/client/exchange-client.js';
import { JobsClient } from '../../../src/client/jobs-client.js';
import type { ExportChoice } from '../shell/export-menu.js';
import { useClients } from './clients.js';
import type { Clients } from './clients.js';

// Typed clients of Trove's own API (docs/trove-api.md), the same bin/trove uses, over the
// console's signed fetch: one of each per sign-in.

const made = new WeakMap<Clients, { history: DatasetHistoryClient; exchange: ExchangeClient; jobs: JobsClient }>();

function typed(clients: Clients) {
  let found = made.get(clients);
  if (!found) {
    found = { history: new DatasetHistoryClient(clients.trove), exchange: new ExchangeClient(clients.trove), jobs: new JobsClient(clients.trove) };
    made.set(clients, found);
  }
  return found;
}

/** Rekognition history: revisions, reports, diffs, snapshots. */
export function useHistoryClient(): DatasetHistoryClient {
  return typed(useClients()).history;
}

/** Open formats: export links. */
export function useExchangeClient(): ExchangeClient {
  return typed(useClients()).exchange;
}

/** Background jobs (ListJobs). */
export function useJobsClient(): JobsClient {
  return typed(useClients()).jobs;
}

export const ENTRY_FORMATS: readonly ExportChoice<'MANIFEST' | 'COCO' | 'YOLO'>[] = [
  { format: 'MANIFEST', label: 'Manifest (Ground Truth JSON Lines)' },
  { format: 'COCO', label: 'COCO (instances JSON)' },
  { format: 'YOLO', label: 'YOLO (tar: data.yaml and label files)' },
];

export const EXAMPLE_FORMATS: readonly ExportChoice<'JSONL' | 'CSV'>[] = [
  { format: 'JSONL', label: 'JSON Lines' },
  { format: 'CSV', label: 'CSV (a column per field)' },
];
