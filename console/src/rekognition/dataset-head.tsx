import type { DatasetDescription } from '@aws-sdk/client-rekognition';
import { useState } from 'react';
import { ENTRY_FORMATS, useExchangeClient } from '../lib/api-clients.js';
import { useTrovePermission } from '../lib/caller.js';
import { datasetTypeOf, projectNameOf } from '../lib/format.js';
import type { AsyncState } from '../lib/hooks.js';
import { href, Link } from '../lib/router.js';
import { ExportMenu } from '../shell/export-menu.js';
import { Problem } from '../shell/problem.js';
import { StatusBadge } from '../shell/status-badge.js';
import { DatasetStats } from './dataset-stats.js';
import { ImportDialog, useImportPermission } from './import-dialog.js';
import './dataset-head.css';

export type DatasetView = 'entries' | 'history';

/** A step of the breadcrumb below the dataset; the last one is the page itself. */
export interface Crumb {
  readonly label: string;
  readonly to?: string;
}

/**
 * The head of every page of a Rekognition dataset: where it is, its live status and stats, the
 * views of it (its entries, its history), and its import and export.
 */
export function DatasetHead({ arn, dataset, view, trail = [], onImported }: {
  arn: string; dataset: AsyncState<DatasetDescription | undefined>; view: DatasetView; trail?: readonly Crumb[];
  /** An import made from this head has ended (the page shows the entries as they are now). */
  onImported?: () => void;
}) {
  const description = dataset.data;
  const project = projectNameOf(arn);
  const type = datasetTypeOf(arn);
  const exchange = useExchangeClient();
  const exporting = useTrovePermission('CreateDatasetExport', [arn]);
  const importing = useImportPermission(arn);
  const [importOpen, setImportOpen] = useState(false);
  return (
    <header className="dataset-head">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to={href('/')}>Datasets</Link> › <Link to={href('/rekognition/project', { name: project })}>{project}</Link> ›{' '}
        {trail.length === 0 ? <span aria-current="page">{type}</span> : <Link to={href('/rekognition/dataset', { arn })}>{type}</Link>}
        {trail.map((crumb, i) => (
          <span key={crumb.label}>
            {' › '}
            {i === trail.length - 1 || !crumb.to ? <span aria-current={i === trail.length - 1 ? 'page' : undefined}>{crumb.label}</span> : <Link to={crumb.to}>{crumb.label}</Link>}
          </span>
        ))}
      </nav>
      <h1>
        {project} · {type} <span aria-live="polite"><StatusBadge status={description?.Status} /></span>
      </h1>
      {description?.StatusMessage && <p className="small">{description.StatusMessage}</p>}
      <DatasetStats dataset={description} />
      {dataset.error !== undefined && <Problem error={dataset.error} retry={dataset.reload} />}
      <nav className="view-tabs" aria-label="Views of the dataset">
        <Link to={href('/rekognition/dataset', { arn })} aria-current={view === 'entries' ? 'page' : undefined}>Entries</Link>
        <Link to={href('/rekognition/dataset/history', { arn })} aria-current={view === 'history' ? 'page' : undefined}>History</Link>
        <span className="view-tabs-end">
          <button type="button" className="import-button" onClick={() => setImportOpen(true)} disabled={!importing.allowed}
            title={importing.allowed ? 'Import a COCO file or a YOLO tar from this computer into this dataset' : importing.reason}>Import…</button>
          <ExportMenu what="the current entries" choices={ENTRY_FORMATS} create={(format) => exchange.exportEntries(arn, format)}
            refused={exporting.allowed ? undefined : exporting.reason} />
        </span>
      </nav>
      {importOpen && (
        <ImportDialog arn={arn} onStarted={dataset.reload} onDone={() => { dataset.reload(); onImported?.(); }} onClose={() => setImportOpen(false)} />
      )}
    </header>
  );
}

/** A dataset the caller cannot see: deleted, or in another region. */
export function DatasetNotFound({ arn }: { arn: string }) {
  return (
    <section className="not-found">
      <nav aria-label="Breadcrumb" className="breadcrumb"><Link to={href('/')}>Datasets</Link></nav>
      <h1>No such dataset</h1>
      <p>There is no dataset {arn} in this account and region. It may have been deleted, or it lives in another region (switch it at the top).</p>
    </section>
  );
}
