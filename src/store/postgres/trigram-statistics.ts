import type { SqlExecutor, TrigramStatistics } from '../sql/sql-driver.js';

/** The extended statistics object of migration 0013: `show_trgm(source_ref)` of rk_entries. */
const STATISTICS = 'rk_entries_source_ref_trigrams';

/**
 * Reads how common each trigram of the source-refs is, from the statistics ANALYZE keeps of the
 * expression `show_trgm(source_ref)` (PostgreSQL 14+: the most common elements of that array, up
 * to 1,000 with their frequencies, from a sample of 30,000 rows), and how many entry rows each
 * scope has (the relations' own estimates). A trigram not among the most common ones is rarer
 * than the least common listed: it gets half that share, as the planner itself assumes.
 */
export async function readTrigramStatistics(db: SqlExecutor): Promise<TrigramStatistics | undefined> {
  const found = await db.get<{ ok: boolean }>("SELECT to_regclass('pg_catalog.pg_stats_ext_exprs') IS NOT NULL AS ok");
  if (!found?.ok) return undefined;
  const row = await db.get<{ elems: string[] | null; freqs: number[] | null; every: number; unlabeled: number; errors: number }>(
    `SELECT s.most_common_elems::text::text[] AS elems, s.most_common_elem_freqs AS freqs,
       (SELECT reltuples FROM pg_class WHERE oid = 'rk_entries'::regclass)::float8 AS every,
       (SELECT reltuples FROM pg_class WHERE oid = 'rk_entries_unlabeled'::regclass)::float8 AS unlabeled,
       (SELECT reltuples FROM pg_class WHERE oid = 'rk_entries_with_errors'::regclass)::float8 AS errors
     FROM pg_stats_ext_exprs s
     WHERE s.statistics_schemaname = current_schema() AND s.statistics_name = ?`,
    [STATISTICS],
  );
  if (!row?.elems || !row.freqs || row.every <= 0) return undefined;
  const shares = new Map<string, number>();
  row.elems.forEach((trigram, i) => shares.set(trigram, Number(row.freqs![i])));
  // After the frequencies of each element come the least and the largest frequency, then the null share.
  const least = Number(row.freqs[row.elems.length] ?? 0);
  // reltuples is -1 for a relation never vacuumed or analyzed.
  const rows = (n: number) => Math.max(0, Number(n));
  return {
    rows: { every: rows(row.every), unlabeled: rows(row.unlabeled), errors: rows(row.errors) },
    share: (trigram) => shares.get(trigram) ?? least / 2,
  };
}
