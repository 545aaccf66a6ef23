import type { CSSProperties, FormEvent } from 'react';
import { useState } from 'react';
import { labelColour } from '../../lib/palette.js';

/** AWS: DatasetLabel is 1..255 characters. */
const MAX_LABEL = 255;

/**
 * The labels to work with, numbered for the keyboard: 1–9 pick the active label (new boxes get
 * it; a selected box takes it), L puts the active label on the image or takes it off. Each row's
 * checkbox does the same with the mouse. The box at the bottom finds a label among many, or
 * makes a new one (it exists once an image carries it).
 */
export function LabelPicker({ labels, active, onImage, onPick, onToggleImage, onCreate, disabled }: {
  labels: readonly string[]; active: string | undefined; onImage: ReadonlySet<string>; disabled: string | undefined;
  onPick: (name: string) => void; onToggleImage: (name: string) => void; onCreate: (name: string) => void;
}) {
  const [text, setText] = useState('');
  const needle = text.trim();
  const matching = needle ? labels.filter((l) => l.toLowerCase().includes(needle.toLowerCase())) : labels;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!needle) return;
    const exact = labels.find((l) => l === needle) ?? (matching.length === 1 ? matching[0] : undefined);
    if (exact) onPick(exact);
    else onCreate(needle.slice(0, MAX_LABEL));
    setText('');
    // Back to the keyboard shortcuts: B draws a box with the label just picked, L puts it on the image.
    (document.activeElement as HTMLElement | null)?.blur();
  };
  return (
    <section className="label-picker" aria-labelledby="label-picker-heading">
      <h3 id="label-picker-heading">Labels <span className="small muted">1–9 pick · L on the image · B draws a box</span></h3>
      <ol className="picker-list">
        {matching.map((name) => {
          const number = labels.indexOf(name) + 1;
          return (
            <li key={name} className={name === active ? 'active' : undefined} style={{ '--label': labelColour(name) } as CSSProperties}>
              <button type="button" className="pick" aria-pressed={name === active} onClick={() => onPick(name)} title={`Active label for new boxes${number <= 9 ? ` (key ${number})` : ''}`}>
                <kbd aria-hidden="true">{number <= 9 ? number : ''}</kbd><span className="label-name">{name}</span>
              </button>
              <label className="on-image" title={disabled ?? `${onImage.has(name) ? 'Take' : 'Put'} the image-level label ${name} ${onImage.has(name) ? 'off' : 'on'} this image`}>
                <input type="checkbox" checked={onImage.has(name)} disabled={disabled !== undefined} onChange={() => onToggleImage(name)} aria-label={`Image label ${name}`} /> image
              </label>
            </li>
          );
        })}
        {labels.length === 0 && <li className="muted small">No labels yet: type one below.</li>}
      </ol>
      <form onSubmit={submit} className="picker-new">
        <input type="text" value={text} onChange={(e) => setText(e.target.value)} placeholder="Find or create a label" aria-label="Find or create a label" maxLength={MAX_LABEL} spellCheck={false} />
        <button type="submit" disabled={!needle}>{needle && !labels.includes(needle) && matching.length !== 1 ? 'Create' : 'Pick'}</button>
      </form>
    </section>
  );
}
