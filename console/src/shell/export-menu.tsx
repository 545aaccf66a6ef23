import { useEffect, useRef, useState } from 'react';
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
export function ExportMenu<F extends string>({ what, choices, create, refused, inline = false }: {
  /** What is exported, for the choices' label: `the current entries`, `snapshot flowers-v1`, `version 2`. */
  what: string; choices: readonly ExportChoice<F>[]; create: (format: F) => Promise<ExportLinkWire>; refused: string | undefined;
  /** The choices open in the flow (inside a scrolling panel) rather than floating over what follows. */
  inline?: boolean;
}) {
  const action = useAction();
  const menu = useRef<HTMLDetailsElement>(null);
  const [open, setOpen] = useState(false);
  // Like any menu: a click elsewhere or Escape closes it.
  useEffect(() => {
    if (!open) return;
    const controller = new AbortController();
    const close = () => {
      if (menu.current) menu.current.open = false;
    };
    document.addEventListener('pointerdown', (event) => !menu.current?.contains(event.target as Node) && close(), { signal: controller.signal });
    document.addEventListener('keydown', (event) => event.key === 'Escape' && close(), { signal: controller.signal });
    return () => controller.abort();
  }, [open]);
  if (refused) return <button type="button" className="export-menu-refused" disabled title={refused}>Export</button>;
  const start = async (format: F) => {
    const link = await action.run(() => create(format));
    if (!link) return; // the error shows in the open menu
    if (menu.current) menu.current.open = false;
    download(link.url, link.fileName);
  };
  return (
    <details className={`export-menu${inline ? ' export-menu-inline' : ''}`} ref={menu} onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary title={`Download ${what} in an open format`}>Export</summary>
      <div className="export-choices" role="group" aria-label={`Export ${what} as`}>
        {choices.map((choice) => (
          <button key={choice.format} type="button" onClick={() => void start(choice.format)} disabled={action.busy} data-format={choice.format}>{choice.label}</button>
        ))}
        {action.busy && <p className="small muted" role="status">Making the export link…</p>}
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
