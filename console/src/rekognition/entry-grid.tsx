import type { KeyboardEvent, RefObject } from 'react';
import { useCallback, useEffect, useImperativeHandle, useLayoutEffect, useRef, useState, useSyncExternalStore } from 'react';
import { count, plural } from '../lib/format.js';
import type { PagedList } from '../lib/paged-list.js';
import { columnsFor, gridWindow, scrollTopToReveal } from '../lib/virtual-grid.js';
import { Problem } from '../shell/problem.js';
import { EntryCard } from './entry-card.js';
import type { EntryModel } from './entry-model.js';

const MIN_CELL_WIDTH = 210;
const GAP = 12;
const ROW_HEIGHT = 262;
const OVERSCAN_ROWS = 2;

/** What the page may ask of the grid: bring an entry into view (the dialog moved to it). */
export interface GridHandle {
  reveal(index: number): void;
}

export interface EntryGridProps {
  readonly list: PagedList<string, EntryModel>;
  readonly datasetArn: string;
  /** The count from the dataset's counters (exact at the dataset's revision), when they cover these filters. */
  readonly expectedCount: number | undefined;
  /** True when any filter is set (the empty state says which). */
  readonly filtered: boolean;
  readonly onOpen: (entry: EntryModel, index: number) => void;
  readonly handle?: RefObject<GridHandle | null>;
  /** Entries saved on this page, as read back: drawn instead of the listing's (older) lines. */
  readonly saved?: ReadonlyMap<string, EntryModel>;
  /** Selection mode: a click (Space, Enter) chooses an entry instead of opening it; Shift-click chooses a range. */
  readonly selection?: { readonly isChosen: (sourceRef: string) => boolean; readonly onChoose: (entries: readonly EntryModel[], chosen: boolean) => void };
}

/**
 * The entries as a grid of thumbnails. Virtualized: only the rows on screen (and two either
 * side) exist in the DOM, and only the pages of ListDatasetEntries under them are held
 * (PagedList), so a 250,000-entry dataset scrolls like a small one. Arrow keys, Page Up/Down,
 * Home and End move between entries; Enter opens one.
 */
export function EntryGrid({ list, datasetArn, expectedCount, filtered, onOpen, handle, saved, selection }: EntryGridProps) {
  useSyncExternalStore(useCallback((listener) => list.subscribe(listener), [list]), () => list.version);
  const status = list.status;

  const scroller = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState({ width: 800, height: 600 });
  const [scrollTop, setScrollTop] = useState(0);
  const [focused, setFocused] = useState(0);
  const pendingFocus = useRef<number | undefined>(undefined);

  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const measure = () => setSize({ width: element.clientWidth, height: element.clientHeight });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  // A new listing starts at the top.
  useEffect(() => {
    scroller.current?.scrollTo({ top: 0 });
    setScrollTop(0);
    setFocused(0);
  }, [list]);

  const columns = columnsFor(size.width - GAP, MIN_CELL_WIDTH, GAP);
  const cellWidth = (size.width - GAP - (columns - 1) * GAP) / columns;
  const geometry = { count: status.length, columns, rowHeight: ROW_HEIGHT, viewportHeight: size.height, overscanRows: OVERSCAN_ROWS };
  const view = gridWindow(geometry, scrollTop);
  useEffect(() => list.want(view.firstIndex, view.endIndex), [list, view.firstIndex, view.endIndex]);

  // Scrolling re-renders only when other rows come into view; within a row the browser just
  // scrolls. (A scaled grid also moves its rows container, directly, without React.)
  const rows = useRef<HTMLDivElement>(null);
  const latest = useRef({ geometry, view });
  latest.current = { geometry, view };
  const frame = useRef(0);
  const onScroll = () => {
    cancelAnimationFrame(frame.current);
    frame.current = requestAnimationFrame(() => {
      const top = scroller.current?.scrollTop ?? 0;
      const next = gridWindow(latest.current.geometry, top);
      const current = latest.current.view;
      if (next.firstRow !== current.firstRow || next.endRow !== current.endRow) setScrollTop(top);
      else if (rows.current && next.shift !== current.shift) rows.current.style.transform = `translateY(${next.shift}px)`;
    });
  };

  // Keyboard: move the roving focus, scrolling the target row into view first so it exists.
  const moveTo = (index: number, focus = true) => {
    const target = Math.max(0, Math.min(status.length - 1, index));
    const element = scroller.current;
    if (!element) return;
    const top = scrollTopToReveal(Math.floor(target / columns), geometry, element.scrollTop);
    if (top !== undefined) {
      element.scrollTop = top;
      setScrollTop(top);
    }
    setFocused(target);
    if (focus) pendingFocus.current = target;
  };
  useEffect(() => {
    if (pendingFocus.current === undefined) return;
    const button = scroller.current?.querySelector<HTMLButtonElement>(`[data-index="${pendingFocus.current}"]`);
    if (button) {
      button.focus({ preventScroll: true });
      pendingFocus.current = undefined;
    }
  });
  const rowsPerPage = Math.max(1, Math.floor(size.height / ROW_HEIGHT));
  useImperativeHandle(handle, () => ({ reveal: (index: number) => moveTo(index, false) }));
  const onKeyDown = (event: KeyboardEvent<HTMLButtonElement>) => {
    const moves: Record<string, number> = {
      ArrowRight: 1, ArrowLeft: -1, ArrowDown: columns, ArrowUp: -columns, PageDown: columns * rowsPerPage, PageUp: -columns * rowsPerPage,
    };
    if (event.key in moves) moveTo(focused + moves[event.key]);
    else if (event.key === 'Home') moveTo(0);
    else if (event.key === 'End') moveTo(status.length - 1);
    else return;
    event.preventDefault();
  };

  // Exactly one drawn card is in the tab order: the focused one, or the first on screen.
  let tabTarget = focused;
  if (focused < view.firstIndex || focused >= view.endIndex || !list.item(focused)) {
    tabTarget = -1;
    for (let index = view.firstIndex; index < view.endIndex && tabTarget < 0; index++) if (list.item(index)) tabTarget = index;
  }
  const keyDown = useRef(onKeyDown);
  keyDown.current = onKeyDown;
  const stableKeyDown = useCallback((event: KeyboardEvent<HTMLButtonElement>) => keyDown.current(event), []);
  // In selection mode a card chooses; Shift chooses every loaded entry from the last one chosen.
  const lastChosen = useRef<number | undefined>(undefined);
  const choose = useRef(onOpen);
  choose.current = (entry, index) => {
    if (!selection) return onOpen(entry, index);
    const range = shiftDown.current && lastChosen.current !== undefined;
    const from = range ? Math.min(lastChosen.current!, index) : index;
    const to = range ? Math.max(lastChosen.current!, index) : index;
    const entries: EntryModel[] = [];
    for (let i = from; i <= to; i++) {
      const item = list.item(i);
      if (item) entries.push(saved?.get(item.sourceRef) ?? item);
    }
    selection.onChoose(entries, !selection.isChosen(entry.sourceRef));
    lastChosen.current = index;
  };
  const stableOpen = useCallback((entry: EntryModel, index: number) => choose.current(entry, index), []);
  const shiftDown = useRef(false);
  useEffect(() => {
    const track = (event: globalThis.KeyboardEvent | globalThis.MouseEvent) => { shiftDown.current = event.shiftKey; };
    window.addEventListener('keydown', track);
    window.addEventListener('keyup', track);
    window.addEventListener('pointerdown', track as (event: PointerEvent) => void, true);
    return () => {
      window.removeEventListener('keydown', track);
      window.removeEventListener('keyup', track);
      window.removeEventListener('pointerdown', track as (event: PointerEvent) => void, true);
    };
  }, []);
  const cells = [];
  for (let index = view.firstIndex; index < view.endIndex; index++) {
    const row = Math.floor(index / columns);
    const column = index % columns;
    const style = { width: cellWidth, height: ROW_HEIGHT - GAP, transform: `translate(${GAP + column * (cellWidth + GAP)}px, ${row * ROW_HEIGHT + GAP}px)` };
    const listed = list.item(index);
    const entry = listed && (saved?.get(listed.sourceRef) ?? listed);
    cells.push(
      <div key={index} role="listitem" aria-posinset={index + 1} aria-setsize={status.exact ? status.length : -1} className="grid-cell" style={style}>
        {entry ? (
          <EntryCard datasetArn={datasetArn} entry={entry} index={index} focusable={index === tabTarget} selected={index === focused}
            checked={selection ? selection.isChosen(entry.sourceRef) : undefined} onOpen={stableOpen} onFocusIndex={setFocused} onKeyDown={stableKeyDown} />
        ) : (
          <div className="entry-placeholder" aria-hidden="true">#{count(index + 1)}</div>
        )}
      </div>,
    );
  }

  return (
    <div className="entry-grid">
      <p className="grid-status" aria-live="polite">
        {/* The counters are exact at the dataset's revision, which the listing was read at. */}
        {status.exact || expectedCount !== undefined ? plural(status.length, 'entry', 'entries') : `${count(status.knownPages * list.pageSize)}+ entries so far`}
        {status.walkingTo !== undefined && ` · fetching page ${count(status.knownPages)} on the way to page ${count(status.walkingTo + 1)}`}
      </p>
      {status.error && <Problem error={status.error} retry={() => list.retry()} />}
      {status.exact && status.length === 0 && (
        <p className="empty">{filtered ? 'No entries match these filters.' : 'This dataset has no entries yet. Add some with UpdateDatasetEntries (or CreateDataset from a manifest).'}</p>
      )}
      <div ref={scroller} className="grid-scroller" onScroll={onScroll} data-testid="entry-grid">
        <div className="grid-spacer" style={{ height: view.spacerHeight + GAP }}>
          <div ref={rows} role="list" aria-label="Entries" className="grid-rows" style={{ transform: `translateY(${view.shift}px)` }}>
            {cells}
          </div>
        </div>
      </div>
    </div>
  );
}
