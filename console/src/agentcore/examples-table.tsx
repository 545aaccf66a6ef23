import type { ReactNode } from 'react';
import { useState } from 'react';
import { Link } from '../lib/router.js';
import { ExampleCard } from './example-card.js';
import { exampleRow } from './example-model.js';

/**
 * Examples as a table: scenario_id, the first input, the first expected response, and a column per
 * other field (metadata). A row opens the example as a conversation below it.
 */
export function ExamplesTable({ examples, onHistory, actions }: {
  examples: readonly Record<string, unknown>[]; onHistory: (exampleId: string) => string; actions?: (example: Record<string, unknown>) => ReactNode;
}) {
  const rows = examples.map(exampleRow);
  const columns = [...new Set(rows.flatMap((row) => [...row.other.keys()]))].slice(0, 6);
  const [open, setOpen] = useState<string>();
  return (
    <div className="table-wrap examples-table-wrap">
      <table className="examples-table">
        <thead>
          <tr>
            <th scope="col">scenario_id</th><th scope="col">Input</th><th scope="col">Expected response</th>
            {columns.map((column) => <th key={column} scope="col">{column}</th>)}
            <th scope="col"><span className="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <ExampleRowView key={row.exampleId || i} row={row} columns={columns} example={examples[i]} open={open === row.exampleId}
              onToggle={() => setOpen(open === row.exampleId ? undefined : row.exampleId)} history={onHistory(row.exampleId)} actions={actions?.(examples[i])} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ExampleRowView({ row, columns, example, open, onToggle, history, actions }: {
  row: ReturnType<typeof exampleRow>; columns: string[]; example: Record<string, unknown>; open: boolean; onToggle: () => void; history: string; actions?: ReactNode;
}) {
  return (
    <>
      <tr data-example-id={row.exampleId} className={open ? 'row-open' : undefined}>
        <th scope="row">
          <button type="button" className="link-button" aria-expanded={open} onClick={onToggle}>{row.scenario || row.exampleId}</button>
        </th>
        <td><span className="clamp">{row.input}</span></td>
        <td><span className="clamp">{row.expected}</span></td>
        {columns.map((column) => <td key={column}><span className="clamp">{row.other.get(column) ?? ''}</span></td>)}
        <td><Link to={history} className="small">History</Link></td>
      </tr>
      {open && (
        <tr className="row-detail">
          <td colSpan={columns.length + 4}><ExampleCard example={example} historyHref={history} actions={actions} /></td>
        </tr>
      )}
    </>
  );
}
