import { AddDatasetExamplesCommand, UpdateDatasetExamplesCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import type { ReactNode } from 'react';
import { useEffect, useRef, useState } from 'react';
import type { FieldViolation } from '../../../../src/api/errors.js';
import { useClients } from '../../lib/clients.js';
import { blankForm, fromForm, toForm } from './example-form.js';
import type { Example, ExampleForm, Turn } from './example-form.js';
import { exampleViolations } from './example-validation.js';
import { useDatasetWrite } from './use-dataset-write.js';
import { WriteStatus } from './write-status.js';

/**
 * Adds or edits one example: a form for the predefined and simulated schema types, a JSON editor
 * for any type, both checked as they are typed with the server's own rules (example-validation.ts).
 * Saving is AddDatasetExamples (new) or UpdateDatasetExamples (a whole example replaced by its
 * exampleId), with a clientToken; the dataset is followed until it is ACTIVE again.
 * Loaded on demand (the validators stay out of the console's first download).
 */
export default function ExampleEditor({ datasetId, schemaType, example, denied, onClose }: {
  datasetId: string; schemaType: string; example: Example | undefined; denied: string | undefined; onClose: (saved: boolean) => void;
}) {
  const { agentcore } = useClients();
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    if (dialog.current && !dialog.current.open) dialog.current.showModal();
  }, []);
  const isNew = example === undefined;
  const { exampleId: existingId, ...base } = example ?? {};
  const initialForm = isNew ? blankForm(schemaType) : toForm(schemaType, base);
  const [form, setForm] = useState<ExampleForm | undefined>(initialForm);
  const [mode, setMode] = useState<'form' | 'json'>(initialForm ? 'form' : 'json');
  const [text, setText] = useState(() => JSON.stringify(isNew ? (initialForm ? fromForm(initialForm, {}) : {}) : base, null, 2));
  const [newId, setNewId] = useState('');
  const [note, setNote] = useState<string>();
  const write = useDatasetWrite(datasetId);
  // Set before the dialog closes itself after a save: its close event then says so.
  const succeeded = useRef(false);

  let content: Example | undefined;
  let parseError: string | undefined;
  if (mode === 'form' && form) content = fromForm(form, base);
  else {
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) content = parsed as Example;
      else parseError = 'The example must be a JSON object ({ ... }).';
    } catch (error) {
      parseError = `Not JSON yet: ${(error as Error).message}`;
    }
  }
  const id = isNew ? (newId.trim() === '' ? undefined : newId.trim()) : (existingId as string | undefined);
  const full = content && { ...(id === undefined ? {} : { exampleId: id }), ...withoutId(content) };
  const violations = full ? exampleViolations(schemaType, full, !isNew) : [];
  const invalid = (path: string) => violations.some((v) => v.path === `example.${path}` || v.path.startsWith(`example.${path}.`) || v.path.startsWith(`example.${path}[`));

  const toJson = () => {
    if (form) setText(JSON.stringify(fromForm(form, base), null, 2));
    setMode('json');
    setNote(undefined);
  };
  const toFormMode = () => {
    const next = content && toForm(schemaType, withoutId(content));
    if (!next) return setNote(parseError ?? 'This example has values the form cannot show (structured inputs or unknown turn fields): edit it as JSON.');
    setForm(next);
    setMode('form');
    setNote(undefined);
  };
  const save = async () => {
    if (!full || violations.length > 0 || denied) return;
    // Examples are free JSON documents in the SDK's types.
    const examples = [full] as never[];
    const done = await write.run({ isNew, datasetId, full }, (clientToken) => (isNew
      ? agentcore.send(new AddDatasetExamplesCommand({ datasetId, clientToken, source: { inlineExamples: { examples } } }))
      : agentcore.send(new UpdateDatasetExamplesCommand({ datasetId, clientToken, examples }))));
    if (done) {
      succeeded.current = true;
      dialog.current?.close();
    }
  };
  const busy = write.busy;
  const saved = write.state.kind === 'done' && !/FAILED/.test(write.state.status ?? '');
  return (
    <dialog ref={dialog} className="example-editor" aria-labelledby="example-editor-title" onClose={() => onClose(succeeded.current)} onCancel={(e) => { if (busy) e.preventDefault(); }}>
      <header className="editor-head">
        <h2 id="example-editor-title">{isNew ? 'Add an example' : `Edit ${typeof base['scenario_id'] === 'string' && base['scenario_id'] ? base['scenario_id'] : existingId as string}`}</h2>
        <div role="group" aria-label="Edit as" className="segmented">
          <button type="button" aria-pressed={mode === 'form'} onClick={toFormMode} disabled={blankForm(schemaType) === undefined} title={blankForm(schemaType) ? 'Edit field by field' : 'This schema type has no form: edit it as JSON'}>Form</button>
          <button type="button" aria-pressed={mode === 'json'} onClick={toJson}>JSON</button>
        </div>
      </header>
      {note && <p className="note small">{note}</p>}
      <div className="editor-body">
        {isNew ? (
          <label className="field">exampleId <span className="muted small">(optional: AgentCore makes one)</span>
            <input value={newId} onChange={(e) => setNewId(e.target.value)} spellCheck={false} aria-invalid={invalid('exampleId')} />
          </label>
        ) : <p className="small muted">exampleId {existingId as string}</p>}
        {mode === 'form' && form ? <FormFields form={form} onChange={setForm} invalid={invalid} /> : (
          <label className="field">The example as JSON
            <textarea className="json-editor" value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} rows={18} aria-invalid={parseError !== undefined || violations.length > 0} />
          </label>
        )}
      </div>
      <Checks parseError={parseError} violations={violations} />
      <WriteStatus state={write.state} />
      {denied && <p className="note small read-only">{denied}</p>}
      <div className="dialog-actions">
        <button type="button" onClick={() => dialog.current?.close()} disabled={busy}>{saved ? 'Close' : 'Cancel'}</button>
        <button type="button" className="primary" onClick={() => void save()} disabled={busy || !full || violations.length > 0 || denied !== undefined}
          title={denied ?? (violations.length > 0 ? 'Fix the problems listed first' : isNew ? 'AddDatasetExamples' : 'UpdateDatasetExamples')}>
          {isNew ? 'Add example' : 'Save example'}
        </button>
      </div>
    </dialog>
  );
}

function withoutId(example: Example): Example {
  const { exampleId: _id, ...rest } = example;
  return rest;
}

function Checks({ parseError, violations }: { parseError: string | undefined; violations: readonly FieldViolation[] }) {
  if (parseError) return <p className="error-text small" role="status">{parseError}</p>;
  if (violations.length === 0) return <p className="small ok-text" role="status">Valid for this dataset's schema type.</p>;
  return (
    <ul className="checks small" role="status" aria-label="Problems">
      {violations.map((v, i) => <li key={i}><code>{v.path.replace(/^example\.?/, '') || 'example'}</code>: {v.constraint}</li>)}
    </ul>
  );
}

function FormFields({ form, onChange, invalid }: { form: ExampleForm; onChange: (form: ExampleForm) => void; invalid: (path: string) => boolean }) {
  const text = (label: ReactNode, value: string, set: (value: string) => void, path: string, rows = 1) => (
    <label className="field">{label}
      {rows === 1
        ? <input value={value} onChange={(e) => set(e.target.value)} aria-invalid={invalid(path)} spellCheck={false} />
        : <textarea value={value} onChange={(e) => set(e.target.value)} rows={rows} aria-invalid={invalid(path)} />}
    </label>
  );
  if (form.kind === 'predefined') {
    const setTurn = (i: number, turn: Turn) => onChange({ ...form, turns: form.turns.map((t, j) => (j === i ? turn : t)) });
    return (
      <>
        {text('scenario_id', form.scenario_id, (v) => onChange({ ...form, scenario_id: v }), 'scenario_id')}
        <fieldset className="turns">
          <legend>Turns</legend>
          {form.turns.map((turn, i) => (
            <div key={i} className="turn">
              <div className="turn-head">
                <strong>Turn {i + 1}</strong>
                <button type="button" className="small" onClick={() => onChange({ ...form, turns: form.turns.filter((_, j) => j !== i) })} aria-label={`Remove turn ${i + 1}`}>Remove</button>
              </div>
              {text('User input', turn.input, (v) => setTurn(i, { ...turn, input: v }), `turns[${i}].input`, 2)}
              {text('Expected response', turn.expected_response, (v) => setTurn(i, { ...turn, expected_response: v }), `turns[${i}].expected_response`, 2)}
            </div>
          ))}
          <button type="button" onClick={() => onChange({ ...form, turns: [...form.turns, { input: '', expected_response: '' }] })}>Add a turn</button>
        </fieldset>
        <ListField label="Expected tool trajectory" hint="tool names, in order" values={form.expected_trajectory} onChange={(v) => onChange({ ...form, expected_trajectory: v })} invalid={invalid('expected_trajectory')} />
        <ListField label="Assertions" hint="what must hold at the end" values={form.assertions} onChange={(v) => onChange({ ...form, assertions: v })} invalid={invalid('assertions')} />
      </>
    );
  }
  return (
    <>
      {text('scenario_id', form.scenario_id, (v) => onChange({ ...form, scenario_id: v }), 'scenario_id')}
      {text('Scenario description', form.scenario_description, (v) => onChange({ ...form, scenario_description: v }), 'scenario_description', 2)}
      <fieldset className="turns">
        <legend>Actor profile (the simulated user)</legend>
        {text('Goal', form.goal, (v) => onChange({ ...form, goal: v }), 'actor_profile.goal', 2)}
        {text('Context', form.context, (v) => onChange({ ...form, context: v }), 'actor_profile.context', 2)}
      </fieldset>
      {text('First input', form.input, (v) => onChange({ ...form, input: v }), 'input', 2)}
      {text('At most this many turns', form.max_turns, (v) => onChange({ ...form, max_turns: v }), 'max_turns')}
      <ListField label="Assertions" hint="what must hold at the end" values={form.assertions} onChange={(v) => onChange({ ...form, assertions: v })} invalid={invalid('assertions')} />
    </>
  );
}

/** A list of short texts, one input each. */
function ListField({ label, hint, values, onChange, invalid }: { label: string; hint: string; values: readonly string[]; onChange: (values: string[]) => void; invalid: boolean }) {
  return (
    <fieldset className="list-field" aria-invalid={invalid}>
      <legend>{label} <span className="muted small">({hint})</span></legend>
      {values.map((value, i) => (
        <div key={i} className="list-row">
          <input value={value} onChange={(e) => onChange(values.map((v, j) => (j === i ? e.target.value : v)))} aria-label={`${label} ${i + 1}`} spellCheck={false} />
          <button type="button" className="small" onClick={() => onChange(values.filter((_, j) => j !== i))} aria-label={`Remove ${label.toLowerCase()} ${i + 1}`}>×</button>
        </div>
      ))}
      <button type="button" className="small" onClick={() => onChange([...values, ''])}>Add</button>
    </fieldset>
  );
}
