/** Rows written to a table since its statistics were refreshed, before refreshing them again. */
const MIN_ROWS = 10_000;
/**
 * ... or this share of the table's rows, whichever is more: estimates stay within a quarter of the
 * truth, which keeps plans right, while a growing table is analyzed only a dozen times on its way to
 * 250,000 rows (each ANALYZE samples up to 30,000 rows).
 */
const SHARE = 0.25;

/** Quiet time after a table's last write before the rows written since its last refresh are refreshed, ... */
const SETTLE_MS = 1_000;
/** ... when there are at least this many. */
const SETTLE_ROWS = 1_000;

/**
 * Keeps PostgreSQL's planner statistics in step with bulk writes. A listing's plan depends on
 * them: with none or stale ones (a table just loaded, before autovacuum's next round, up to a
 * minute or more), the planner may sort a whole dataset to return one page instead of walking the
 * listing-order index. So once enough rows have been committed to a table, this runs ANALYZE on
 * it, in the background and one table at a time, as autovacuum would but without waiting; and
 * once writes pause for a second, on the tables with rows written since (the end of an import
 * is then refreshed too, not only its first three quarters).
 * (The driver runs VACUUM (ANALYZE): the vacuum marks the new rows' pages all-visible, without
 * which an index-only scan, the listing's walk of an index whose entries carry what the filters
 * test, reads every row it passes, and merges the trigram indexes' pending lists, which every
 * substring search reads whole.)
 */
export class PlannerStatistics {
  readonly #written = new Map<string, number>();
  readonly #thresholds = new Map<string, number>();
  #running: Promise<void> | undefined;
  #quiet = false;
  #timer: NodeJS.Timeout | undefined;

  /** `analyze` runs `ANALYZE <table>` and resolves to the table's estimated row count afterwards. */
  constructor(private readonly analyze: (table: string) => Promise<number>) {}

  /** Counts rows a committed transaction wrote, per table; may start an ANALYZE. */
  committed(rowsByTable: ReadonlyMap<string, number>): void {
    if (rowsByTable.size > 0) {
      for (const [table, rows] of rowsByTable) this.#written.set(table, (this.#written.get(table) ?? 0) + rows);
      this.#quiet = false;
      clearTimeout(this.#timer);
      this.#timer = setTimeout(() => {
        this.#quiet = true;
        this.#next();
      }, SETTLE_MS);
      // A pending refresh never keeps the process alive.
      this.#timer.unref();
    }
    this.#next();
  }

  #next(): void {
    if (this.#running) return;
    const due = [...this.#written].find(([table, rows]) => rows >= (this.#quiet ? SETTLE_ROWS : (this.#thresholds.get(table) ?? MIN_ROWS)));
    if (!due) return;
    const [table] = due;
    this.#written.set(table, 0);
    this.#running = this.analyze(table)
      .then((rows) => void this.#thresholds.set(table, Math.max(MIN_ROWS, Math.round(rows * SHARE))))
      // A failed ANALYZE (e.g. the database went away) is tried again after the next write;
      // meanwhile autovacuum still refreshes the statistics on its own schedule.
      .catch(() => {
        this.#written.set(table, (this.#thresholds.get(table) ?? MIN_ROWS) - 1);
        this.#quiet = false;
      })
      .finally(() => {
        this.#running = undefined;
        this.#next();
      });
  }

  /** Resolves once no ANALYZE is running. */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  /** Starts no more refreshes, and resolves once none is running (before the pool closes). */
  async stop(): Promise<void> {
    clearTimeout(this.#timer);
    this.#written.clear();
    await this.idle();
  }
}
