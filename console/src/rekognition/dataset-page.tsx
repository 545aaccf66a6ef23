import { ListDatasetLabelsCommand } from '@aws-sdk/client-rekognition';
import { useCallback, useMemo, useRef, useState } from 'react';
import { useClients } from '../lib/clients.js';
import { datasetTypeOf, projectNameOf } from '../lib/format.js';
import { useAsync } from '../lib/hooks.js';
import { href, Link, navigate } from '../lib/router.js';
import { Problem } from '../shell/problem.js';
import { StatusBadge } from '../shell/status-badge.js';
import { DatasetStats } from './dataset-stats.js';
import { EntryDetail } from './entry-detail.js';
import { expectedCount, filtersFromQuery, filtersToQuery, MAX_LABEL_FILTERS } from './entry-filters.js';
import type { EntryFilters } from './entry-filters.js';
import { EntryGrid } from './entry-grid.js';
import type { EntryModel } from './entry-model.js';
import { FilterBar } from './filter-bar.js';
import { LabelPanel } from './label-panel.js';
import type { LabelStat } from './label-panel.js';
import { useDataset } from './use-dataset.js';

/** A Rekognition dataset: live status and stats, filters, the label chart, the entry grid, one entry in detail. */
export function RekognitionDatasetPage({ arn, query }: { arn: string; query: URLSearchParams }) {
  const { rekognition } = useClients();
  const dataset = useDataset(arn);
  const description = dataset.data;
  const updated = description?.LastUpdatedTimestamp?.getTime();
  const labels = useAsync(async (signal) => {
    const all: LabelStat[] = [];
    // Read once the dataset is described, and again whenever it changes.
    if (updated === undefined) return all;
    let token: string | undefined;
    do {
      const out = await rekognition.send(new ListDatasetLabelsCommand({ DatasetArn: arn, MaxResults: 100, NextToken: token }), { abortSignal: signal });
      for (const label of out.DatasetLabelDescriptions ?? []) {
        all.push({ name: label.LabelName ?? '', entries: label.LabelStats?.EntryCount ?? 0, boxes: label.LabelStats?.BoundingBoxCount ?? 0 });
      }
      token = out.NextToken;
    } while (token);
    return all;
  }, [arn, updated]);

  const filters = filtersFromQuery(query);
  const selected = query.get('entry') ?? undefined;
  const setQuery = (next: EntryFilters, entry: string | undefined, replace: boolean) =>
    navigate(href('/rekognition/dataset', { arn, ...filtersToQuery(next), entry }), { replace });
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

  const opened = useRef<EntryModel | undefined>(undefined);
  const search = query.toString();
  // Stable, so the memoised grid cards do not all re-render when the page does.
  const onOpen = useCallback((entry: EntryModel) => {
    opened.current = entry;
    navigate(href('/rekognition/dataset', { arn, ...filtersToQuery(filtersFromQuery(new URLSearchParams(search))), entry: entry.sourceRef }));
  }, [arn, search]);
  const labelCounts = useMemo(() => new Map((labels.data ?? []).map((l) => [l.name, l.entries])), [labels.data]);
  const ready = description !== undefined && description.Status !== 'CREATE_IN_PROGRESS';

  return (
    <div className="dataset-page">
      <header className="dataset-head">
        <nav aria-label="Breadcrumb" className="breadcrumb">
          <Link to={href('/')}>Datasets</Link> › <Link to={href('/rekognition/project', { name: projectNameOf(arn) })}>{projectNameOf(arn)}</Link> ›{' '}
          <span aria-current="page">{datasetTypeOf(arn)}</span>
        </nav>
        <h1>
          {projectNameOf(arn)} · {datasetTypeOf(arn)} <span aria-live="polite"><StatusBadge status={description?.Status} /></span>
        </h1>
        {description?.StatusMessage && <p className="small">{description.StatusMessage}</p>}
        <DatasetStats dataset={description} />
        {dataset.error !== undefined && <Problem error={dataset.error} retry={dataset.reload} />}
      </header>
      <div className="dataset-body">
        <aside aria-label="Filters and labels">
          <FilterBar filters={filters} onChange={(next) => setQuery(next, undefined, true)} />
          {labels.error !== undefined && <Problem error={labels.error} retry={labels.reload} />}
          <LabelPanel labels={labels.data ?? []} selected={filters.labels} onToggle={toggleLabel} loading={labels.loading} />
        </aside>
        <section aria-label="Entries" className="grid-area">
          {stale && (
            <p className="note" role="status">
              The dataset changed since this list was read.{' '}
              <button type="button" onClick={() => { setListedAt(updated); setGeneration((g) => g + 1); }}>Show the new entries</button>
            </p>
          )}
          {description?.Status === 'CREATE_IN_PROGRESS' && <p className="note">The dataset is being created; its entries appear when it is done.</p>}
          {ready && (
            <EntryGrid
              key={generation}
              datasetArn={arn}
              filters={filters}
              expectedCount={expectedCount(filters, description.DatasetStats, labelCounts)}
              onOpen={onOpen}
            />
          )}
        </section>
      </div>
      {selected && (
        <EntryDetail key={selected} datasetArn={arn} sourceRef={selected} known={opened.current} onClose={() => setQuery(filters, undefined, false)} />
      )}
    </div>
  );
}
