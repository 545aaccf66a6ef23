import type { ReactNode } from 'react';
import { createContext, useContext, useMemo, useState } from 'react';

/** What the images show: boxes at all, their captions, and which labels' boxes are hidden. A display preference, kept in localStorage. */
export interface DisplayOptions {
  readonly boxes: boolean;
  readonly captions: boolean;
  readonly hidden: ReadonlySet<string>;
}

export interface DisplayControl extends DisplayOptions {
  setBoxes(on: boolean): void;
  setCaptions(on: boolean): void;
  toggleLabel(name: string): void;
}

const KEY = 'trove.console.display';
const DEFAULTS: DisplayOptions = { boxes: true, captions: true, hidden: new Set() };

function load(): DisplayOptions {
  try {
    const value = JSON.parse(localStorage.getItem(KEY) ?? 'null') as { boxes?: unknown; captions?: unknown; hidden?: unknown } | null;
    if (!value) return DEFAULTS;
    return {
      boxes: value.boxes !== false,
      captions: value.captions !== false,
      hidden: new Set(Array.isArray(value.hidden) ? value.hidden.filter((h): h is string => typeof h === 'string') : []),
    };
  } catch {
    return DEFAULTS;
  }
}

const Context = createContext<DisplayControl | undefined>(undefined);

export function DisplayOptionsProvider({ children }: { children: ReactNode }) {
  const [options, setOptions] = useState<DisplayOptions>(load);
  const control = useMemo<DisplayControl>(() => {
    const save = (next: DisplayOptions) => {
      localStorage.setItem(KEY, JSON.stringify({ boxes: next.boxes, captions: next.captions, hidden: [...next.hidden] }));
      setOptions(next);
    };
    return {
      ...options,
      setBoxes: (boxes) => save({ ...options, boxes }),
      setCaptions: (captions) => save({ ...options, captions }),
      toggleLabel: (name) => {
        const hidden = new Set(options.hidden);
        if (!hidden.delete(name)) hidden.add(name);
        save({ ...options, hidden });
      },
    };
  }, [options]);
  return <Context.Provider value={control}>{children}</Context.Provider>;
}

export function useDisplayOptions(): DisplayControl {
  const control = useContext(Context);
  // Outside a provider (a view without the toolbar): everything shown.
  return control ?? { ...DEFAULTS, setBoxes: () => undefined, setCaptions: () => undefined, toggleLabel: () => undefined };
}

/** The "show" toolbar over the grid: boxes, captions (per-label switches are in the label panel). */
export function DisplayToggles() {
  const display = useDisplayOptions();
  return (
    <fieldset className="display-toggles">
      <legend className="small muted">Show</legend>
      <label><input type="checkbox" checked={display.boxes} onChange={(e) => display.setBoxes(e.target.checked)} /> Boxes</label>
      <label><input type="checkbox" checked={display.captions} disabled={!display.boxes} onChange={(e) => display.setCaptions(e.target.checked)} /> Captions</label>
      {display.hidden.size > 0 && <span className="small muted">{display.hidden.size} label{display.hidden.size === 1 ? '' : 's'} hidden</span>}
    </fieldset>
  );
}
