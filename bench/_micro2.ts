import Database from 'better-sqlite3';
import { blobOf, classificationLine } from './lib/fixtures.js';
const { lines } = blobOf(classificationLine, 5_242_880);
const rows = lines.map((l) => ({ ref: JSON.parse(l)['source-ref'] as string, line: l }));
const schema = `CREATE TABLE rk (id INTEGER PRIMARY KEY, dataset_id INTEGER, source_ref TEXT, line TEXT, labels TEXT, is_labeled INTEGER, has_errors INTEGER, created_rev INTEGER, deleted_rev INTEGER);
CREATE UNIQUE INDEX a ON rk (dataset_id, source_ref) WHERE deleted_rev IS NULL; CREATE INDEX b ON rk (dataset_id, id);`;
for (const mode of ['single', 'multi200', 'multi50', 'single-returning']) {
  const db = new Database(':memory:'); db.exec(schema);
  const t = performance.now();
  db.transaction(() => {
    if (mode === 'single') { const s = db.prepare('INSERT INTO rk (dataset_id, source_ref, line, labels, is_labeled, has_errors, created_rev) VALUES (1,?,?,?,1,0,1)'); for (const r of rows) s.run(r.ref, r.line, '[]'); }
    else if (mode === 'single-returning') { const s = db.prepare('INSERT INTO rk (dataset_id, source_ref, line, labels, is_labeled, has_errors, created_rev) VALUES (1,?,?,?,1,0,1) RETURNING id'); for (const r of rows) s.get(r.ref, r.line, '[]'); }
    else { const n = mode === 'multi200' ? 200 : 50; const s = db.prepare(`INSERT INTO rk (dataset_id, source_ref, line, labels, is_labeled, has_errors, created_rev) VALUES ${Array(n).fill('(?,?,?,?,?,?,?)').join(',')} RETURNING id, source_ref`);
      for (let i = 0; i + n <= rows.length; i += n) { const p: unknown[] = []; for (const r of rows.slice(i, i + n)) p.push(1, r.ref, r.line, '[]', 1, 0, 1); s.all(...p); } }
  })();
  console.log(mode, (performance.now() - t).toFixed(0));
}
