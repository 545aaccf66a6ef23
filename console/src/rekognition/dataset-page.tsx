import type { Dispatch, SetStateAction } from 'react';
import { useCallback, useMemo, useRef, useState } from 'react';
import { usePermission } from '../lib/caller.js';
import { errorCode } from '../lib/errors.js';
import { datasetTypeOf } from '../lib/format.js';
import { href, navigate } from '../lib/router.js';
import { Problem } from '../shell/problem.js';
import { DatasetHead, DatasetNotFound } from './dataset-head.js';
import { DisplayOptionsProvider, DisplayToggles } from './display-options.js';
import { BulkBar } from './edit/bulk-bar.js';
import type { Selection } from './edit/bulk-bar.js';
import { DatasetEditingProvider, useEditing } from './edit/edit-context.js';
import { UploadDialog } from './edit/upload-dialog.js';
import { EntryDetail } from './entry-detail.js';
import { useImportPermission } from './import-dialog.js';
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
  // Changes made on this page are shown in place (saved entries) or listed afresh (relist): no "changed" note for them.
  const [own, setOwn] = useState(false);
  if ((listedAt === undefined || own) && updated !== undefined && updated !== listedAt) {
    setListedAt(updated);
    setOwn(false);
  }
  const stale = listedAt !== undefined && updated !== undefined && updated !== listedAt && !description?.Status?.endsWith('_IN_PROGRESS');
  const [generation, setGeneration] = useState(0);

  const labelCounts = useMemo(() => new Map((labels.data ?? []).map((l) => [l.name, l.entries])), [labels.data]);
  const codeCounts = useMemo(() => new Map(errors.data?.complete ? errors.data.codes : []), [errors.data]);
  const expected = expectedCount(filters, description?.DatasetStats, labelCounts, codeCounts);
  const ready = description !== undefined && description.Status !== 'CREATE_IN_PROGRESS';
  const list = useEntryList(arn, filters, expected, generation);
  const grid = useRef<GridHandle>(null);
  const [selection, setSelection] = useState<Selection>();

  const search = query.toString();
  const reloadDataset = dataset.reload;
  const onSaved = useCallback((relist?: boolean) => {
    setOwn(true);
    if (relist) setGeneration((g) => g + 1);
    reloadDataset();
  }, [reloadDataset]);
  const labelNames = useMemo(() => (labels.data ?? []).map((l) => l.name), [labels.data]);
  // Stable, so the memoised grid cards do not all re-render when the page does.
  const onOpen = useCallback((entry: EntryModel, index: number) => {
    navigate(href('/rekognition/dataset', { arn, ...filtersToQuery(filtersFromQuery(new URLSearchParams(search))), entry: entry.sourceRef, at: index }));
  }, [arn, search]);

  if (dataset.error !== undefined && errorCode(dataset.error) === 'ResourceNotFoundException') return <DatasetNotFound arn={arn} />;
  return (
    <div className="dataset-page">
      <DatasetHead arn={arn} dataset={dataset} view="entries" onImported={() => onSaved(true)} />
      <DisplayOptionsProvider>
        <DatasetEditingProvider datasetArn={arn} datasetLabels={labelNames} listing={generation} onSaved={onSaved}>
        <div className="dataset-body">
          <aside aria-label="Filters and labels">
            <FilterBar filters={filters} onChange={(next) => setQuery(next, undefined, true)} />
            <ErrorSummaryPanel summary={errors} selected={filters.errorCode} onSelect={(code) => setQuery({ ...filters, errorCode: code }, undefined, true)} />
            {labels.error !== undefined && <Problem error={labels.error} retry={labels.reload} />}
            <LabelPanel labels={labels.data ?? []} type={datasetTypeOf(arn)} sibling={sibling.data} selected={filters.labels} onToggle={toggleLabel} loading={labels.loading} />
          </aside>
          <section aria-label="Entries" className="grid-area">
            <GridTools arn={arn} filters={filters} total={expected ?? (list?.status.exact ? list.status.length : undefined)} sampleRef={list?.item(0)?.sourceRef}
              selection={selection} onSelection={setSelection} />
            {stale && (
              <p className="note" role="status">
                The dataset changed since this list was read.{' '}
                <button type="button" onClick={() => { setListedAt(updated); setGeneration((g) => g + 1); }}>Show the new entries</button>
              </p>
            )}
            {description?.Status === 'CREATE_IN_PROGRESS' && <p className="note">The dataset is being created; its entries appear when it is done.</p>}
            {ready && list && <EditableGrid list={list} datasetArn={arn} expectedCount={expected} filtered={isFiltered(filters)} onOpen={onOpen} handle={grid}
              selection={selection} onSelection={setSelection} />}
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
        </DatasetEditingProvider>
      </DisplayOptionsProvider>
    </div>
  );
}

/** Over the grid: what it shows, and (for a key that may change the dataset) choosing entries and adding images. */
function GridTools({ arn, filters, total, sampleRef, selection, onSelection }: {
  arn: string; filters: EntryFilters; total: number | undefined; sampleRef: string | undefined;
  selection: Selection | undefined; onSelection: Dispatch<SetStateAction<Selection | undefined>>;
}) {
  const editing = useEditing();
  const denied = editing && !editing.permission.allowed ? editing.permission.reason : undefined;
  const upload = usePermission(['rekognition:UpdateDatasetEntries', [arn]], ['trove:UploadImage', []], ['s3:PutObject', []]);
  // The head's Import… is disabled with its reason on it; said here too for a key that may edit
  // but not import (a read-only key's note already says it changes nothing).
  const importing = useImportPermission(arn);
  const importDenied = denied === undefined && !importing.allowed ? importing.reason : undefined;
  const [uploading, setUploading] = useState(false);
  return (
    <>
      <div className="grid-toolbar">
        <div className="edit-tools">
          <button type="button" aria-pressed={selection !== undefined} onClick={() => onSelection(selection ? undefined : { kind: 'some', lines: new Map() })}
            disabled={denied !== undefined} title={denied ?? 'Choose entries to add or remove a label on all of them'}>Select</button>
          <button type="button" onClick={() => setUploading(true)} disabled={!upload.allowed} title={upload.allowed ? 'Upload images from this computer and add them as entries' : upload.reason}>Add images</button>
        </div>
        <DisplayToggles />
      </div>
      {denied && <p className="small muted read-only">{denied}</p>}
      {importDenied && <p className="small muted read-only">Import: {importDenied}</p>}
      {selection && <BulkBar datasetArn={arn} filters={filters} total={total} selection={selection} onSelection={onSelection} onDone={() => undefined} />}
      {uploading && <UploadDialog sampleRef={sampleRef} onClose={() => setUploading(false)} />}
    </>
  );
}

/** The grid with this page's saved entries in place, and the selection when choosing. */
function EditableGrid({ selection, onSelection, ...props }: Omit<Parameters<typeof EntryGrid>[0], 'selection' | 'saved'> & { selection: Selection | undefined; onSelection: (selection: Selection) => void }) {
  const editing = useEditing();
  const chosen = selection?.kind === 'some' ? selection.lines : undefined;
  const choose = useMemo(() => (selection ? {
    isChosen: (ref: string) => selection.kind === 'all' || (chosen?.has(ref) ?? false),
    onChoose: (entries: readonly EntryModel[], on: boolean) => {
      const next = new Map(selection.kind === 'some' ? selection.lines : []);
      for (const entry of entries) {
        if (on) next.set(entry.sourceRef, entry.line);
        else next.delete(entry.sourceRef);
      }
      onSelection({ kind: 'some', lines: next });
    },
  } : undefined), [selection, chosen, onSelection]);
  return <EntryGrid {...props} saved={editing?.saved} selection={choose} />;
}
