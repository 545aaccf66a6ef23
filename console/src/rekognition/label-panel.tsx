import type { CSSProperties } from 'react';
import { useState } from 'react';
import { count } from '../lib/format.js';
import { labelColour } from '../lib/palette.js';
import { useDisplayOptions } from './display-options.js';
import { MAX_LABEL_FILTERS } from './entry-filters.js';
import type { LabelStat } from './use-labels.js';

export type { LabelStat };

export interface LabelPanelProps {
  readonly labels: readonly LabelStat[];
  /** This dataset's type (TRAIN or TEST) and the project's other dataset's labels, for counts side by side. */
  readonly type: string;
  readonly sibling: { readonly type: string; readonly labels: readonly LabelStat[] } | undefined;
  readonly selected: readonly string[];
  readonly onToggle: (name: string) => void;
  readonly loading: boolean;
}

/**
 * ListDatasetLabels as a chart: per label, how many images carry it and how many images have it
 * on a bounding box (AWS's BoundingBoxCount), beside the count in the project's other dataset.
 * Each label is a filter (ContainsLabels, any of, at most 10) and can be hidden on the images.
 */
export function LabelPanel({ labels, type, sibling, selected, onToggle, loading }: LabelPanelProps) {
  const [order, setOrder] = useState<'name' | 'entries'>('name');
  const [search, setSearch] = useState('');
  const display = useDisplayOptions();
  const other = new Map((sibling?.labels ?? []).map((l) => [l.name, l.entries]));
  const needle = search.trim().toLowerCase();
  const matching = needle ? labels.filter((l) => l.name.toLowerCase().includes(needle)) : labels;
  const sorted = order === 'name' ? matching : [...matching].sort((a, b) => b.entries - a.entries || a.name.localeCompare(b.name));
  const max = Math.max(1, ...labels.map((l) => Math.max(l.entries, l.boxes)));
  const full = selected.length >= MAX_LABEL_FILTERS;
  return (
    <section className="label-panel" aria-labelledby="labels-heading">
      <div className="panel-head">
        <h2 id="labels-heading">Labels <span className="muted small">{count(labels.length)}</span></h2>
        <label className="small">
          Sort{' '}
          <select value={order} onChange={(e) => setOrder(e.target.value as 'name' | 'entries')}>
            <option value="name">by name</option>
            <option value="entries">by images</option>
          </select>
        </label>
      </div>
      {labels.length > 0 && (
        <input type="search" className="label-search" aria-label="Find a label" placeholder="Find a label" value={search} onChange={(e) => setSearch(e.target.value)} spellCheck={false} />
      )}
      <p className={`small ${full ? 'limit-reached' : 'muted'}`} aria-live="polite">
        {full
          ? `${MAX_LABEL_FILTERS} of ${MAX_LABEL_FILTERS} label filters chosen: ListDatasetEntries takes at most ${MAX_LABEL_FILTERS}. Remove one to choose another.`
          : `Tick labels to show images with any of them (at most ${MAX_LABEL_FILTERS}${selected.length > 0 ? `; ${selected.length} chosen` : ''}).`}
      </p>
      <p className="legend small" aria-hidden="true">
        <span className="swatch swatch-entries" /> images <span className="swatch swatch-boxes" /> images with boxes
        {sibling && <span className="legend-sibling">Numbers on the right: images in {type} · in {sibling.type}</span>}
      </p>
      {loading && labels.length === 0 && <p className="muted small">Loading labels…</p>}
      {!loading && labels.length === 0 && <p className="muted small">No labels yet.</p>}
      {needle && sorted.length === 0 && <p className="muted small">No label contains “{search.trim()}”.</p>}
      <ul className="label-bars">
        {sorted.map((label) => {
          const checked = selected.includes(label.name);
          const hidden = display.hidden.has(label.name);
          return (
            <li key={label.name} style={{ '--label': labelColour(label.name) } as CSSProperties} className={hidden ? 'label-hidden' : undefined}>
              <label title={checked || !full ? label.name : `${label.name}: at most ${MAX_LABEL_FILTERS} labels can be filtered at once`}>
                <input type="checkbox" checked={checked} disabled={!checked && full} onChange={() => onToggle(label.name)} />
                <span className="label-name">{label.name}</span>
                <span className="label-counts">
                  {count(label.entries)} image{label.entries === 1 ? '' : 's'}
                  {label.boxes > 0 && `, ${count(label.boxes)} with boxes`}
                </span>
              </label>
              {sibling && (
                <span className="label-sibling" title={`${type}: ${label.entries} images; ${sibling.type}: ${other.get(label.name) ?? 0} images`}>
                  {count(label.entries)} · {count(other.get(label.name) ?? 0)}
                </span>
              )}
              <button type="button" className="label-eye" aria-pressed={!hidden} onClick={() => display.toggleLabel(label.name)}
                aria-label={`${hidden ? 'Show' : 'Hide'} ${label.name} boxes on the images`} title={`${hidden ? 'Show' : 'Hide'} its boxes on the images`}>
                {hidden ? 'show' : 'hide'}
              </button>
              <span className="bars" aria-hidden="true">
                <span className="bar bar-entries" style={{ width: `${(label.entries / max) * 100}%` }} />
                <span className="bar bar-boxes" style={{ width: `${(label.boxes / max) * 100}%` }} />
              </span>
            </li>
          );
        })}
      </ul>
      {sibling && labels.length > 0 && (
        <OnlyIn type={sibling.type} names={sibling.labels.filter((l) => !labels.some((m) => m.name === l.name)).map((l) => l.name)} />
      )}
    </section>
  );
}

/** Labels the other dataset has and this one lacks (a TEST label never trained on), the first few named. */
function OnlyIn({ type, names }: { type: string; names: readonly string[] }) {
  const shown = names.slice(0, 8);
  return (
    <p className="small muted">
      Only in {type}: {names.length === 0 ? 'none' : `${shown.join(', ')}${names.length > shown.length ? ` and ${count(names.length - shown.length)} more` : ''}`}.
    </p>
  );
}
