import type { CSSProperties } from 'react';
import { useState } from 'react';
import { count, labelHue } from '../lib/format.js';
import { MAX_LABEL_FILTERS } from './entry-filters.js';

export interface LabelStat {
  readonly name: string;
  readonly entries: number;
  readonly boxes: number;
}

/**
 * ListDatasetLabels as a chart: per label, how many images carry it and how many images have it
 * on a bounding box (AWS's BoundingBoxCount). Each label is also a filter (ContainsLabels, any of).
 */
export function LabelPanel({ labels, selected, onToggle, loading }: { labels: readonly LabelStat[]; selected: readonly string[]; onToggle: (name: string) => void; loading: boolean }) {
  const [order, setOrder] = useState<'name' | 'entries'>('name');
  const sorted = order === 'name' ? labels : [...labels].sort((a, b) => b.entries - a.entries || a.name.localeCompare(b.name));
  const max = Math.max(1, ...labels.map((l) => Math.max(l.entries, l.boxes)));
  const full = selected.length >= MAX_LABEL_FILTERS;
  return (
    <section className="label-panel" aria-labelledby="labels-heading">
      <div className="panel-head">
        <h2 id="labels-heading">Labels</h2>
        <label className="small">
          Sort{' '}
          <select value={order} onChange={(e) => setOrder(e.target.value as 'name' | 'entries')}>
            <option value="name">by name</option>
            <option value="entries">by images</option>
          </select>
        </label>
      </div>
      <p className="legend small" aria-hidden="true">
        <span className="swatch swatch-entries" /> images <span className="swatch swatch-boxes" /> images with boxes
      </p>
      {loading && labels.length === 0 && <p className="muted small">Loading labels…</p>}
      {!loading && labels.length === 0 && <p className="muted small">No labels yet.</p>}
      <ul className="label-bars">
        {sorted.map((label) => {
          const checked = selected.includes(label.name);
          return (
            <li key={label.name} style={{ '--hue': labelHue(label.name) } as CSSProperties}>
              <label title={checked || !full ? undefined : `At most ${MAX_LABEL_FILTERS} labels can be filtered at once`}>
                <input type="checkbox" checked={checked} disabled={!checked && full} onChange={() => onToggle(label.name)} />
                <span className="label-name">{label.name}</span>
                <span className="label-counts">
                  {count(label.entries)} image{label.entries === 1 ? '' : 's'}
                  {label.boxes > 0 && `, ${count(label.boxes)} with boxes`}
                </span>
              </label>
              <span className="bars" aria-hidden="true">
                <span className="bar bar-entries" style={{ width: `${(label.entries / max) * 100}%` }} />
                <span className="bar bar-boxes" style={{ width: `${(label.boxes / max) * 100}%` }} />
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
