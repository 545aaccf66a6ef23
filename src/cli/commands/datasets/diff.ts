import type { BoxWire, ChangeWire, PointWire } from '../../../client/dataset-history-client.js';
import { required } from './subcommand.js';
import type { DatasetsSubcommand } from './subcommand.js';

const MARK = { ADDED: '+', REMOVED: '-', CHANGED: '~' } as const;

/**
 * `trove datasets diff`: the entries added, removed and changed between two revisions or
 * snapshots (`--to` absent: now). Printed page by page, so a large diff never sits in memory.
 */
export const diffCommand: DatasetsSubcommand = {
  name: 'diff',
  usage: 'diff --dataset-arn ARN --from SNAPSHOT|REVISION [--to SNAPSHOT|REVISION]',
  summary: 'entries added, removed and changed (--to absent: now)',
  async run({ values, history, out }) {
    const arn = values['dataset-arn']!;
    const from = required(values, 'from');
    const counts = { ADDED: 0, REMOVED: 0, CHANGED: 0 };
    let nextToken: string | undefined;
    let first = true;
    do {
      const page = await history.diff(arn, from, values.to, { maxResults: 1000, nextToken });
      if (first) out(values.json ? `{"from":${JSON.stringify(page.from)},"to":${JSON.stringify(page.to)},"changes":[` : `${point(page.from)} → ${point(page.to)}\n`);
      for (const change of page.changes) {
        out(values.json ? `${counts.ADDED + counts.REMOVED + counts.CHANGED > 0 ? ',' : ''}\n${JSON.stringify(change)}` : `${describe(change)}\n`);
        counts[change.change]++;
      }
      first = false;
      nextToken = page.nextToken;
    } while (nextToken);
    out(values.json ? '\n]}\n' : `${counts.ADDED} added, ${counts.REMOVED} removed, ${counts.CHANGED} changed\n`);
    return 0;
  },
};

function point(at: PointWire): string {
  return at.snapshot ? `snapshot ${at.snapshot} (revision ${at.revision})` : `revision ${at.revision}`;
}

function describe(change: ChangeWire): string {
  const parts = [
    ...change.labelsAdded.map((label) => `+${label}`), ...change.labelsRemoved.map((label) => `-${label}`),
    ...change.boxesAdded.map((box) => `+box ${box.label ?? '?'} ${geometry(box)}`), ...change.boxesRemoved.map((box) => `-box ${box.label ?? '?'} ${geometry(box)}`),
  ];
  const details = parts.length > 0 ? parts.join(' ') : change.change === 'CHANGED' ? '(labels and boxes unchanged)' : '';
  return `${MARK[change.change]} ${change.sourceRef}${details ? `  ${details}` : ''}`;
}

function geometry(box: BoxWire): string {
  return `${box.left},${box.top} ${box.width}x${box.height}`;
}
