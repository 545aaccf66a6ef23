import { useCallback, useMemo, useRef, useState } from 'react';
import { errorCode } from '../lib/errors.js';
import { datasetTypeOf } from '../lib/format.js';
import { href, navigate } from '../lib/router.js';
import { Problem } from '../shell/problem.js';
import { DatasetHead, DatasetNotFound } from './dataset-head.js';
import { DisplayOptionsProvider, DisplayToggles } from './display-options.js';
import { EntryDetail } from './entry-detail.js';
import { expectedCount, filtersFromQuery, filtersToQuery, isFiltered, MAX_LABEL_FILTERS } from './entry-filters.js';
import type { EntryFilters } from './entry-filters.js';
import { EntryGrid } from './entry-grid.js';
import type { GridHandle } from './entry-grid.js';
import type { EntryModel } from './entry-model.js';
import { ErrorSummaryPanel, useErrorSummary } from './error-summary.js';
import { FilterBar } from './filter-bar.js';
import { LabelPanel } from './label-panel.js';
import { useDataset } from './use-dataset.js';
import { useEntryList } from './use-entry-list.js';
import { useLabels, useSiblingLabels } from './use-labels.js';

/** A Rekognition dataset: live status and stats, filters, errors by code, the label chart, the entry grid, one entry in detail. */
export function RekognitionDatasetPage({ arn, query }: { arn: string; query: URLSearchParams }) {
  const dataset = useDataset(arn);
  const description = dataset.data;
  const updated = description?.LastUpdatedTimestamp?.getTime();
  const labels = useLabels(arn, updated);
  const sibling = useSiblingLabels(arn, updated);
  const errors = useErrorSummary(arn, updated, description?.DatasetStats?.ErrorEntries);

  const filters = filtersFromQuery(query);
  const selected = query.get('entry') ?? undefined;
  const at = query.get('at');
  const selectedIndex = at !== null && /^\d+$/.test(at) ? Number(at) : undefined;
  const setQuery = (next: EntryFilters, entry: string | undefined, replace: boolean, index?: number) =>
    navigate(href('/rekognition/dataset', { arn, ...filtersToQuery(next), entry, at: index }), { replace });
  const toggleLabel = (name: string) => {
    const has = filters.labels.includes(name);
    if (!has && filters.labels.length >= MAX_LABEL_FILTERS) return;
    setQuery({ ...filters, labels: has ? filters.labels.filter((l) => l !== name) : [...filters.labels, name] }, undefined, true);
  };

  // The listing is read at the revision of its first page; after an update, offer a fresh one.
  const [listedAt, setListedAt] = useState<number | undefined>();
  if (listedAt === undefined && updated !== undefined) setListedAt(updated);
  const stale = listedAt !== undefined && updated !== undefined && updated !== listedAt && !description?.Status?.endsWith('_IN_PROGRESS');
  const [generation, setGeneration] = useState(0);

  const labelCounts = useMemo(() => new Map((labels.data ?? []).map((l) => [l.name, l.entries])), [labels.data]);
  const codeCounts = useMemo(() => new Map(errors.data?.complete ? errors.data.codes : []), [errors.data]);
  const expected = expectedCount(filters, description?.DatasetStats, labelCounts, codeCounts);
  const ready = description !== undefined && description.Status !== 'CREATE_IN_PROGRESS';
  const list = useEntryList(arn, filters, expected, generation);
  const grid = useRef<GridHandle>(null);

  const search = query.toString();
  // Stable, so the memoised grid cards do not all re-render when the page does.
  const onOpen = useCallback((entry: EntryModel, index: number) => {
    navigate(href('/rekognition/dataset', { arn, ...filtersToQuery(filtersFromQuery(new URLSearchParams(search))), entry: entry.sourceRef, at: index }));
  }, [arn, search]);

  if (dataset.error !== undefined && errorCode(dataset.error) === 'ResourceNotFoundException') return <DatasetNotFound arn={arn} />;
  return (
    <div className="dataset-page">
      <DatasetHead arn={arn} dataset={dataset} view="entries" />
      <DisplayOptionsProvider>
        <div className="dataset-body">
          <aside aria-label="Filters and labels">
            <FilterBar filters={filters} onChange={(next) => setQuery(next, undefined, true)} />
            <ErrorSummaryPanel summary={errors} selected={filters.errorCode} onSelect={(code) => setQuery({ ...filters, errorCode: code }, undefined, true)} />
            {labels.error !== undefined && <Problem error={labels.error} retry={labels.reload} />}
            <LabelPanel labels={labels.data ?? []} type={datasetTypeOf(arn)} sibling={sibling.data} selected={filters.labels} onToggle={toggleLabel} loading={labels.loading} />
          </aside>
          <section aria-label="Entries" className="grid-area">
            <div className="grid-toolbar">
              <DisplayToggles />
            </div>
            {stale && (
              <p className="note" role="status">
                The dataset changed since this list was read.{' '}
                <button type="button" onClick={() => { setListedAt(updated); setGeneration((g) => g + 1); }}>Show the new entries</button>
              </p>
            )}
            {description?.Status === 'CREATE_IN_PROGRESS' && <p className="note">The dataset is being created; its entries appear when it is done.</p>}
            {ready && list && <EntryGrid list={list} datasetArn={arn} expectedCount={expected} filtered={isFiltered(filters)} onOpen={onOpen} handle={grid} />}
          </section>
        </div>
        {selected && (
          <EntryDetail
            datasetArn={arn} sourceRef={selected} index={selectedIndex} list={list}
            onMove={(entry, index) => {
              grid.current?.reveal(index);
              setQuery(filters, entry.sourceRef, true, index);
            }}
            onSeek={(index) => grid.current?.reveal(index)}
            onClose={() => setQuery(filters, undefined, false)}
          />
        )}
      </DisplayOptionsProvider>
    </div>
  );
}
