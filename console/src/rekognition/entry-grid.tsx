import { ListDatasetEntriesCommand } from '@aws-sdk/client-rekognition';
import type { KeyboardEvent } from 'react';
import { useCallback, useEffect, useLayoutEffect, useRef, useState, useSyncExternalStore } from 'react';
import { useClients } from '../lib/clients.js';
import { count } from '../lib/format.js';
import { PagedList } from '../lib/paged-list.js';
import { columnsFor, gridWindow, scrollTopToReveal } from '../lib/virtual-grid.js';
import { Problem } from '../shell/problem.js';
import { EntryCard } from './entry-card.js';
import { listFilters } from './entry-filters.js';
import type { EntryFilters } from './entry-filters.js';
import { readEntry } from './entry-model.js';
import type { EntryModel } from './entry-model.js';

/** AWS: ListDatasetEntries returns at most 100 entries a page. */
const PAGE_SIZE = 100;
const MIN_CELL_WIDTH = 210;
const GAP = 12;
const ROW_HEIGHT = 262;
const OVERSCAN_ROWS = 2;

export interface EntryGridProps {
  readonly datasetArn: string;
  readonly filters: EntryFilters;
  readonly expectedCount: number | undefined;
  readonly onOpen: (entry: EntryModel) => void;
}

/**
 * The entries as a grid of thumbnails. Virtualized: only the rows on screen (and two either
 * side) exist in the DOM, and only the pages of ListDatasetEntries under them are held
 * (PagedList), so a 250,000-entry dataset scrolls like a small one. Arrow keys, Page Up/Down,
 * Home and End move between entries; Enter opens one.
 */
export function EntryGrid({ datasetArn, filters, expectedCount, onOpen }: EntryGridProps) {
  const { rekognition } = useClients();
  const filterKey = JSON.stringify(listFilters(filters));
  const [list, setList] = useState<PagedList<string, EntryModel>>();
  useEffect(() => {
    const next = new PagedList<string, EntryModel>(async (token, signal) => {
      const out = await rekognition.send(new ListDatasetEntriesCommand({
        DatasetArn: datasetArn, ...listFilters(filters), MaxResults: PAGE_SIZE, NextToken: token,
      }), { abortSignal: signal });
      return { items: out.DatasetEntries ?? [], nextToken: out.NextToken };
    }, { pageSize: PAGE_SIZE, expectedCount, prepare: (lines) => lines.map(readEntry) });
    setList(next);
    return () => next.dispose();
    // A new listing only for a new dataset or new filters (compared as filterKey); the counts that
    // size it may change while it is read.
  }, [rekognition, datasetArn, filterKey]);
  return list ? <Grid list={list} datasetArn={datasetArn} expectedCount={expectedCount} onOpen={onOpen} /> : null;
}

function Grid({ list, datasetArn, expectedCount, onOpen }: { list: PagedList<string, EntryModel>; datasetArn: string; expectedCount: number | undefined; onOpen: (entry: EntryModel) => void }) {
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
  const moveTo = (index: number) => {
    const target = Math.max(0, Math.min(status.length - 1, index));
    const element = scroller.current;
    if (!element) return;
    const top = scrollTopToReveal(Math.floor(target / columns), geometry, element.scrollTop);
    if (top !== undefined) {
      element.scrollTop = top;
      setScrollTop(top);
    }
    setFocused(target);
    pendingFocus.current = target;
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
  const cells = [];
  for (let index = view.firstIndex; index < view.endIndex; index++) {
    const row = Math.floor(index / columns);
    const column = index % columns;
    const style = { width: cellWidth, height: ROW_HEIGHT - GAP, transform: `translate(${GAP + column * (cellWidth + GAP)}px, ${row * ROW_HEIGHT + GAP}px)` };
    const entry = list.item(index);
    cells.push(
      <div key={index} role="listitem" aria-posinset={index + 1} aria-setsize={status.exact ? status.length : -1} className="grid-cell" style={style}>
        {entry ? (
          <EntryCard datasetArn={datasetArn} entry={entry} index={index} focusable={index === tabTarget} onOpen={onOpen} onFocusIndex={setFocused} onKeyDown={stableKeyDown} />
        ) : (
          <div className="entry-placeholder" aria-hidden="true">#{count(index + 1)}</div>
        )}
      </div>,
    );
  }

  return (
    <div className="entry-grid">
      <p className="grid-status" aria-live="polite">
        {status.exact ? `${count(status.length)} entries` : expectedCount !== undefined ? `About ${count(status.length)} entries` : `${count(status.knownPages * PAGE_SIZE)}+ entries so far`}
        {status.walkingTo !== undefined && ` · fetching page ${count(status.knownPages)} on the way to page ${count(status.walkingTo + 1)}`}
      </p>
      {status.error && <Problem error={status.error} retry={() => list.retry()} />}
      {status.exact && status.length === 0 && <p className="empty">No entries match these filters.</p>}
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
