import type { SqlExecutor, TrigramStatistics } from '../sql/sql-driver.js';
import type { GramScope } from '../sql/source-ref-grams.js';

/**
 * The extended statistics objects of the trigrams of source-refs (migrations 0013 and 0031):
 * `show_trgm(source_ref)` of all entry rows, and the same of the entries without labels and with
 * errors only (NULL for the others, which ANALYZE leaves out of the frequencies).
 */
const STATISTICS: Readonly<Record<GramScope, string>> = {
  every: 'rk_entries_source_ref_trigrams',
  unlabeled: 'rk_entries_unlabeled_source_ref_trigrams',
  errors: 'rk_entries_with_errors_source_ref_trigrams',
};

/**
 * Reads how common each trigram of the source-refs is, from the statistics ANALYZE keeps of the
 * expressions above (PostgreSQL 14+: the most common elements of each array, up to 1,000 with
 * their frequencies, from a sample of 30,000 rows), and how many entry rows each scope has (the
 * relations' own estimates). A trigram not among the most common ones is rarer than the least
 * common listed: it gets half that share, as the planner itself assumes. A scope without
 * statistics of its own (not analyzed yet) takes those of all source-refs.
 */
export async function readTrigramStatistics(db: SqlExecutor): Promise<TrigramStatistics | undefined> {
  const found = await db.get<{ ok: boolean }>("SELECT to_regclass('pg_catalog.pg_stats_ext_exprs') IS NOT NULL AS ok");
  if (!found?.ok) return undefined;
  const rows = await db.all<{ name: string; elems: string[] | null; freqs: number[] | null; every: number; unlabeled: number; errors: number }>(
    `SELECT s.statistics_name AS name, s.most_common_elems::text::text[] AS elems, s.most_common_elem_freqs AS freqs,
       (SELECT reltuples FROM pg_class WHERE oid = 'rk_entries'::regclass)::float8 AS every,
       (SELECT reltuples FROM pg_class WHERE oid = 'rk_entries_unlabeled'::regclass)::float8 AS unlabeled,
       (SELECT reltuples FROM pg_class WHERE oid = 'rk_entries_with_errors'::regclass)::float8 AS errors
     FROM pg_stats_ext_exprs s
     WHERE s.statistics_schemaname = current_schema() AND s.statistics_name = ANY(?::text[])`,
    [`{${Object.values(STATISTICS).join(',')}}`],
  );
  const shares = new Map<string, (trigram: string) => number>();
  for (const row of rows) {
    if (!row.elems || !row.freqs) continue;
    const frequencies = new Map<string, number>();
    row.elems.forEach((trigram, i) => frequencies.set(trigram, Number(row.freqs![i])));
    // After the frequencies of each element come the least and the largest frequency, then the null share.
    const least = Number(row.freqs[row.elems.length] ?? 0);
    shares.set(row.name, (trigram) => frequencies.get(trigram) ?? least / 2);
  }
  const every = shares.get(STATISTICS.every);
  const first = rows[0];
  if (!every || !first || first.every <= 0) return undefined;
  // reltuples is -1 for a relation never vacuumed or analyzed.
  const count = (n: number) => Math.max(0, Number(n));
  return {
    rows: { every: count(first.every), unlabeled: count(first.unlabeled), errors: count(first.errors) },
    share: (trigram, scope = 'every') => (shares.get(STATISTICS[scope]) ?? every)(trigram),
    ownScope: (scope) => shares.has(STATISTICS[scope]),
  };
}
