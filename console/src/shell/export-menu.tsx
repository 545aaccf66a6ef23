import { useState } from 'react';
import type { ExportLinkWire } from '../../../src/client/exchange-client.js';
import { useAction } from '../lib/use-action.js';
import { Problem } from './problem.js';
import './export-menu.css';

export interface ExportChoice<F extends string = string> {
  /** The API's format name (`COCO`, `CSV`, ...). */
  readonly format: F;
  /** What a person picks: `COCO (JSON)`. */
  readonly label: string;
}

/**
 * Export of a dataset in an open format (docs/trove-api.md, "Open formats"): the chosen format's
 * export link is asked for (signed, like every call), then downloaded by the browser — a plain
 * GET, the link being its own authorisation, streamed by Trove as it is read.
 */
export function ExportMenu<F extends string>({ what, choices, create, refused }: {
  /** What is exported, for the choices' label: `the current entries`, `snapshot flowers-v1`, `version 2`. */
  what: string; choices: readonly ExportChoice<F>[]; create: (format: F) => Promise<ExportLinkWire>; refused: string | undefined;
}) {
  const action = useAction();
  const [started, setStarted] = useState<string>();
  if (refused) return <button type="button" className="export-menu-refused" disabled title={refused}>Export</button>;
  const start = async (format: F) => {
    setStarted(undefined);
    const link = await action.run(() => create(format));
    if (!link) return;
    download(link.url, link.fileName);
    setStarted(link.fileName);
  };
  return (
    <details className="export-menu">
      <summary title={`Download ${what} in an open format`}>Export</summary>
      <div className="export-choices" role="group" aria-label={`Export ${what} as`}>
        {choices.map((choice) => (
          <button key={choice.format} type="button" onClick={() => void start(choice.format)} disabled={action.busy} data-format={choice.format}>{choice.label}</button>
        ))}
        {started && <p className="small muted" role="status">Downloading {started}</p>}
        {action.error !== undefined && <Problem error={action.error} />}
      </div>
    </details>
  );
}

/** The browser's own download of a same-origin link, under the file name Trove gave it. */
function download(url: string, fileName: string): void {
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
}
