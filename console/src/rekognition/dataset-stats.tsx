import type { DatasetDescription } from '@aws-sdk/client-rekognition';
import { count } from '../lib/format.js';

/** DatasetStats as a row of figures. */
export function DatasetStats({ dataset }: { dataset: DatasetDescription | undefined }) {
  const stats = dataset?.DatasetStats;
  const total = stats?.TotalEntries;
  const labeled = stats?.LabeledEntries;
  return (
    <dl className="stats">
      <div><dt>Images</dt><dd>{count(total)}</dd></div>
      <div><dt>Labeled</dt><dd>{count(labeled)}</dd></div>
      <div><dt>Unlabeled</dt><dd>{total === undefined || labeled === undefined ? '—' : count(total - labeled)}</dd></div>
      <div><dt>Labels</dt><dd>{count(stats?.TotalLabels)}</dd></div>
      <div className={stats?.ErrorEntries ? 'has-errors' : undefined}><dt>With errors</dt><dd>{count(stats?.ErrorEntries)}</dd></div>
    </dl>
  );
}
