import { useEffect, useState } from 'react';
import { useDebounced } from '../lib/hooks.js';
import type { EntryFilters } from './entry-filters.js';
import { isFiltered } from './entry-filters.js';

/** The filters of ListDatasetEntries: labeled or not, with errors, source-ref contains; labels are chosen in the label panel. */
export function FilterBar({ filters, onChange }: { filters: EntryFilters; onChange: (filters: EntryFilters) => void }) {
  const [search, setSearch] = useState(filters.sourceRef);
  const settled = useDebounced(search, 300);
  // Applied once typing has paused (not on every key), and only then.
  useEffect(() => {
    if (settled !== filters.sourceRef) onChange({ ...filters, sourceRef: settled });
  }, [settled]);
  useEffect(() => setSearch(filters.sourceRef), [filters.sourceRef]);

  const tri = (value: boolean | undefined) => (value === undefined ? '' : String(value));
  const parse = (value: string) => (value === '' ? undefined : value === 'true');
  return (
    <form className="filter-bar" role="search" aria-label="Filter entries" onSubmit={(e) => e.preventDefault()}>
      <label htmlFor="filter-source-ref">Source-ref contains</label>
      <input id="filter-source-ref" type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="e.g. tulip or 2024/" spellCheck={false} maxLength={2048} />
      <label htmlFor="filter-labeled">Labeled</label>
      <select id="filter-labeled" value={tri(filters.labeled)} onChange={(e) => onChange({ ...filters, labeled: parse(e.target.value) })}>
        <option value="">all images</option>
        <option value="true">labeled</option>
        <option value="false">unlabeled</option>
      </select>
      <label htmlFor="filter-errors">Errors</label>
      <select id="filter-errors" value={filters.errorCode !== undefined ? 'true' : tri(filters.hasErrors)} disabled={filters.errorCode !== undefined}
        onChange={(e) => onChange({ ...filters, hasErrors: parse(e.target.value) || undefined })}>
        <option value="">all images</option>
        <option value="true">with errors</option>
      </select>
      {filters.labels.length > 0 && (
        <div className="chips" aria-label="Label filters">
          <span className="small muted">Any of:</span>
          {filters.labels.map((label) => (
            <button key={label} type="button" className="chip" title={label} onClick={() => onChange({ ...filters, labels: filters.labels.filter((l) => l !== label) })} aria-label={`Remove label filter ${label}`}>
              {label} ×
            </button>
          ))}
        </div>
      )}
      {filters.errorCode !== undefined && (
        <div className="chips" aria-label="Error filter">
          <span className="small muted">With error:</span>
          <button type="button" className="chip chip-error" onClick={() => onChange({ ...filters, errorCode: undefined })} aria-label={`Remove error filter ${filters.errorCode}`}>
            {filters.errorCode} ×
          </button>
        </div>
      )}
      {isFiltered(filters) && (
        <button type="button" onClick={() => { setSearch(''); onChange({ labels: [], labeled: undefined, hasErrors: undefined, sourceRef: '', errorCode: undefined }); }}>
          Clear filters
        </button>
      )}
    </form>
  );
}
