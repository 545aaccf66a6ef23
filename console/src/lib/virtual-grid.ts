// The arithmetic of a virtualized grid: which rows are on screen, and where to draw them. Pure,
// so it is unit-tested without a browser. Only the rows in view (plus a few around them) become
// DOM nodes, whatever the number of items.

/**
 * Browsers cap an element's height (Firefox near 17.9 million px, Chrome near 33.5 million); a
 * 250,000-entry grid at 3 columns is taller than that. Above this height the scroller is scaled:
 * its spacer stays at MAX_SCROLL_HEIGHT and scroll positions map proportionally onto the content
 * (a 250,000-entry grid of 4 columns, 16.4 million px, scrolls 1.09x faster than it would unscaled).
 */
export const MAX_SCROLL_HEIGHT = 15_000_000;

export interface GridGeometry {
  readonly count: number;
  readonly columns: number;
  readonly rowHeight: number;
  readonly viewportHeight: number;
  /** Rows drawn above and below the viewport so a fast scroll does not show blank space. */
  readonly overscanRows: number;
}

export interface GridWindow {
  readonly rows: number;
  /** Height of the scroll spacer (the content height, capped). */
  readonly spacerHeight: number;
  /** First and one-past-last row to draw. */
  readonly firstRow: number;
  readonly endRow: number;
  /** First and one-past-last item to draw. */
  readonly firstIndex: number;
  readonly endIndex: number;
  /** Add to a row's content position (row × rowHeight) to get its position inside the spacer. */
  readonly shift: number;
}

export function columnsFor(width: number, minCellWidth: number, gap: number): number {
  return Math.max(1, Math.floor((width + gap) / (minCellWidth + gap)));
}

/** What to draw for the scroll position `scrollTop` of the scroller. */
export function gridWindow(geometry: GridGeometry, scrollTop: number): GridWindow {
  const { count, columns, rowHeight, viewportHeight, overscanRows } = geometry;
  const rows = Math.ceil(count / Math.max(1, columns));
  const contentHeight = rows * rowHeight;
  const spacerHeight = Math.min(contentHeight, MAX_SCROLL_HEIGHT);
  const contentTop = contentOffset(scrollTop, contentHeight, spacerHeight, viewportHeight);
  const firstRow = Math.max(0, Math.floor(contentTop / rowHeight) - overscanRows);
  const endRow = Math.min(rows, Math.ceil((contentTop + viewportHeight) / rowHeight) + overscanRows);
  return {
    rows,
    spacerHeight,
    firstRow,
    endRow: Math.max(firstRow, endRow),
    firstIndex: firstRow * columns,
    endIndex: Math.min(count, Math.max(firstRow, endRow) * columns),
    // Unscaled: 0, rows sit at their own offsets. Scaled: rows move with the viewport.
    shift: Math.max(0, scrollTop) - contentTop,
  };
}

/** The scroll position that shows content offset `contentTop` at the top of the viewport. */
export function scrollTopFor(contentTop: number, geometry: Omit<GridGeometry, 'overscanRows'>): number {
  const rows = Math.ceil(geometry.count / Math.max(1, geometry.columns));
  const contentHeight = rows * geometry.rowHeight;
  const spacerHeight = Math.min(contentHeight, MAX_SCROLL_HEIGHT);
  const content = contentHeight - geometry.viewportHeight;
  const spacer = spacerHeight - geometry.viewportHeight;
  if (content <= 0 || spacer <= 0) return 0;
  return Math.min(spacer, Math.max(0, (contentTop * spacer) / content));
}

/** The content offset at the top of the viewport for a scroll position. */
function contentOffset(scrollTop: number, contentHeight: number, spacerHeight: number, viewportHeight: number): number {
  const top = Math.max(0, scrollTop);
  if (contentHeight === spacerHeight) return top;
  const spacer = spacerHeight - viewportHeight;
  const content = contentHeight - viewportHeight;
  if (spacer <= 0) return 0;
  return (Math.min(top, spacer) * content) / spacer;
}

/**
 * The scroll position that brings row `row` fully into view with the least movement (keyboard
 * navigation), or undefined when it is already in view.
 */
export function scrollTopToReveal(row: number, geometry: Omit<GridGeometry, 'overscanRows'>, scrollTop: number): number | undefined {
  const rows = Math.ceil(geometry.count / Math.max(1, geometry.columns));
  const contentHeight = rows * geometry.rowHeight;
  const top = contentOffset(scrollTop, contentHeight, Math.min(contentHeight, MAX_SCROLL_HEIGHT), geometry.viewportHeight);
  const rowTop = row * geometry.rowHeight;
  const rowBottom = rowTop + geometry.rowHeight;
  if (rowTop < top) return scrollTopFor(rowTop, geometry);
  if (rowBottom > top + geometry.viewportHeight) return scrollTopFor(rowBottom - geometry.viewportHeight, geometry);
  return undefined;
}
