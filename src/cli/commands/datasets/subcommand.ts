import type { DatasetHistoryClient } from '../../../client/dataset-history-client.js';
import { CLIENT_OPTIONS } from '../../client-target.js';
import type { parseCommandArgs } from '../../flags.js';

/** What a `trove datasets` subcommand gets: its flags, a client of the running Trove, and where to write. */
export interface DatasetsContext {
  readonly values: DatasetsValues;
  readonly history: DatasetHistoryClient;
  readonly out: (text: string) => void;
}

export interface DatasetsSubcommand {
  readonly name: string;
  /** Its flags, after `trove datasets`. */
  readonly usage: string;
  readonly summary: string;
  run(context: DatasetsContext): Promise<number>;
}

export const OPTIONS = {
  ...CLIENT_OPTIONS,
  'dataset-arn': { type: 'string' },
  name: { type: 'string' },
  snapshot: { type: 'string' },
  revision: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  wait: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

type DatasetsValues = ReturnType<typeof parseCommandArgs<typeof OPTIONS>>['values'];

/** A flag the subcommand needs, or a one-line error naming it. */
export function required(values: DatasetsValues, flag: 'name' | 'snapshot' | 'revision' | 'from'): string {
  const value = values[flag];
  if (!value) throw new Error(`--${flag} is required.`);
  return value;
}

/** A revision number flag, or a one-line error. */
export function revisionNumber(text: string, flag: string): number {
  if (!/^[0-9]{1,15}$/.test(text)) throw new Error(`--${flag} must be a revision number, not "${text}".`);
  return Number(text);
}

/** Epoch seconds as an ISO time without milliseconds. */
export function time(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Rows of cells as left-aligned columns. */
export function columns(rows: readonly (readonly string[])[]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ').trimEnd()).join('\n') + '\n';
}
