import { describe, expect, it } from 'vitest';
import { columnsFor, gridWindow, MAX_SCROLL_HEIGHT, scrollTopFor, scrollTopToReveal } from '../../../console/src/lib/virtual-grid.js';

const base = { columns: 4, rowHeight: 100, viewportHeight: 500, overscanRows: 1 };

describe('the virtualized grid', () => {
  it('fits as many columns as the width allows, at least one', () => {
    expect(columnsFor(1000, 200, 10)).toBe(4);
    expect(columnsFor(1050, 200, 10)).toBe(5);
    expect(columnsFor(50, 200, 10)).toBe(1);
  });

  it('draws only the rows in view plus the overscan', () => {
    const view = gridWindow({ ...base, count: 1000 }, 1000);
    expect(view).toMatchObject({ rows: 250, spacerHeight: 25_000, firstRow: 9, endRow: 16, firstIndex: 36, endIndex: 64, shift: 0 });
  });

  it('stops at the last item', () => {
    const view = gridWindow({ ...base, count: 10 }, 0);
    expect(view).toMatchObject({ rows: 3, firstRow: 0, endRow: 3, firstIndex: 0, endIndex: 10 });
  });

  it('draws nothing for an empty listing', () => {
    expect(gridWindow({ ...base, count: 0 }, 0)).toMatchObject({ rows: 0, spacerHeight: 0, firstIndex: 0, endIndex: 0 });
  });

  it('scales a grid taller than browsers allow, and still reaches the last row', () => {
    const geometry = { ...base, count: 250_000, columns: 1 }; // 250,000 rows of 100 px = 25 million px
    const top = gridWindow(geometry, 0);
    expect(top.spacerHeight).toBe(MAX_SCROLL_HEIGHT);
    expect(top.firstIndex).toBe(0);
    const bottom = gridWindow(geometry, MAX_SCROLL_HEIGHT - base.viewportHeight);
    expect(bottom.endIndex).toBe(250_000);
    // Rows are drawn relative to the viewport: the last row ends at the bottom of the spacer.
    expect((bottom.rows) * base.rowHeight + bottom.shift).toBeCloseTo(MAX_SCROLL_HEIGHT, 3);
    const middle = gridWindow(geometry, (MAX_SCROLL_HEIGHT - base.viewportHeight) / 2);
    expect(middle.firstRow + base.overscanRows).toBe(Math.floor((250_000 * 100 - 500) / 2 / 100));
  });

  it('maps content offsets back to scroll positions', () => {
    const geometry = { ...base, count: 250_000, columns: 1 };
    const contentTop = 12_000_000;
    const view = gridWindow({ ...geometry }, scrollTopFor(contentTop, geometry));
    expect(view.firstRow + base.overscanRows).toBe(120_000);
    expect(scrollTopFor(123, { ...base, count: 1000 })).toBe(123);
  });

  it('scrolls the least needed to reveal a row for keyboard focus', () => {
    const geometry = { ...base, count: 1000 };
    expect(scrollTopToReveal(12, geometry, 1000)).toBeUndefined(); // rows 10..14 are in view
    expect(scrollTopToReveal(15, geometry, 1000)).toBe(1100);
    expect(scrollTopToReveal(3, geometry, 1000)).toBe(300);
  });
});
