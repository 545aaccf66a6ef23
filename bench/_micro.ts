import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blobOf, classificationLine } from './lib/fixtures.js';
const { lines } = blobOf(classificationLine, 5_242_880);
const rows = lines.map((l) => ({ ref: JSON.parse(l)['source-ref'] as string, line: l, label: Object.keys(JSON.parse(l))[1] }));
function run(name: string, schema: string, insert: (db: Database.Database) => (r: typeof rows[0], i: number) => void, chunk = 1000) {
  const db = new Database(join(mkdtempSync(join(tmpdir(), 'm-')), 'x.db'));
  db.pragma('journal_mode = WAL'); db.pragma('synchronous = FULL');
  db.exec(schema);
  const ins = insert(db);
  const t = performance.now();
  for (let c = 0; c < rows.length; c += chunk) db.transaction(() => { for (let i = c; i < Math.min(rows.length, c + chunk); i++) ins(rows[i], i); })();
  console.log(name.padEnd(40), (performance.now() - t).toFixed(0), 'ms');
}
const base = 'CREATE TABLE e (dataset_id INTEGER, source_ref TEXT, line TEXT, PRIMARY KEY(dataset_id, source_ref));';
run('baseline 1 tx', base, (db) => { const s = db.prepare('INSERT INTO e VALUES (1,?,?) ON CONFLICT DO UPDATE SET line=excluded.line'); return (r) => s.run(r.ref, r.line); }, 1e9);
run('baseline chunks', base, (db) => { const s = db.prepare('INSERT INTO e VALUES (1,?,?) ON CONFLICT DO UPDATE SET line=excluded.line'); return (r) => s.run(r.ref, r.line); });
const rk = `CREATE TABLE rk (id INTEGER PRIMARY KEY, dataset_id INTEGER, source_ref TEXT, line TEXT, labels TEXT, is_labeled INTEGER, has_errors INTEGER, created_rev INTEGER, deleted_rev INTEGER);
CREATE UNIQUE INDEX a ON rk (dataset_id, source_ref) WHERE deleted_rev IS NULL;
CREATE INDEX b ON rk (dataset_id, id);`;
const rkAll = rk + `CREATE INDEX c ON rk (dataset_id, has_errors, id); CREATE INDEX d ON rk (dataset_id, is_labeled, id); CREATE INDEX f ON rk (dataset_id, created_rev);`;
const ins = (db: Database.Database) => { const s = db.prepare('INSERT INTO rk (dataset_id, source_ref, line, labels, is_labeled, has_errors, created_rev) VALUES (1,?,?,?,1,0,1)'); return (r: typeof rows[0]) => s.run(r.ref, r.line, `[["${r.label}",0]]`); };
run('rk minimal indexes', rk, ins);
run('rk all indexes', rkAll, ins);
run('rk minimal + lookup', rk, (db) => { const q = db.prepare('SELECT id FROM rk WHERE dataset_id=1 AND deleted_rev IS NULL AND source_ref=?'); const f = ins(db); return (r, i) => { q.get(r.ref); f(r); }; });
run('rk minimal + labels', rk + 'CREATE TABLE l (dataset_id INTEGER, label TEXT, entry_id INTEGER, PRIMARY KEY(dataset_id,label,entry_id)) WITHOUT ROWID;', (db) => { const s = db.prepare('INSERT INTO rk (dataset_id, source_ref, line, labels, is_labeled, has_errors, created_rev) VALUES (1,?,?,?,1,0,1)'); const l = db.prepare('INSERT INTO l VALUES (1,?,?)'); return (r) => { const id = s.run(r.ref, r.line, 'x').lastInsertRowid; l.run(r.label, id); }; });
run('rk minimal + fts', rk + "CREATE VIRTUAL TABLE f USING fts5(source_ref, content='', contentless_delete=1, tokenize='trigram case_sensitive 1');", (db) => { const s = db.prepare('INSERT INTO rk (dataset_id, source_ref, line, labels, is_labeled, has_errors, created_rev) VALUES (1,?,?,?,1,0,1)'); const f = db.prepare('INSERT INTO f (rowid, source_ref) VALUES (?,?)'); return (r) => { const id = s.run(r.ref, r.line, 'x').lastInsertRowid; f.run(id, r.ref); }; });
run('rk minimal + fts (no contentless_delete)', rk + "CREATE VIRTUAL TABLE f USING fts5(source_ref, content='', tokenize='trigram case_sensitive 1');", (db) => { const s = db.prepare('INSERT INTO rk (dataset_id, source_ref, line, labels, is_labeled, has_errors, created_rev) VALUES (1,?,?,?,1,0,1)'); const f = db.prepare('INSERT INTO f (rowid, source_ref) VALUES (?,?)'); return (r) => { const id = s.run(r.ref, r.line, 'x').lastInsertRowid; f.run(id, r.ref); }; });
for (const opts of ["detail=none", "detail=none, columnsize=0", "detail=column", "detail=none, contentless_delete=1"]) {
  run(`rk minimal + fts ${opts}`, rk + `CREATE VIRTUAL TABLE f USING fts5(source_ref, content='', ${opts}, tokenize='trigram case_sensitive 1');`, (db) => { const s = db.prepare('INSERT INTO rk (dataset_id, source_ref, line, labels, is_labeled, has_errors, created_rev) VALUES (1,?,?,?,1,0,1)'); const f = db.prepare('INSERT INTO f (rowid, source_ref) VALUES (?,?)'); return (r) => { const id = s.run(r.ref, r.line, 'x').lastInsertRowid; f.run(id, r.ref); }; });
}
run('rk minimal + fts detail=none 1 tx', rk + `CREATE VIRTUAL TABLE f USING fts5(source_ref, content='', detail=none, tokenize='trigram case_sensitive 1');`, (db) => { const s = db.prepare('INSERT INTO rk (dataset_id, source_ref, line, labels, is_labeled, has_errors, created_rev) VALUES (1,?,?,?,1,0,1)'); const f = db.prepare('INSERT INTO f (rowid, source_ref) VALUES (?,?)'); return (r) => { const id = s.run(r.ref, r.line, 'x').lastInsertRowid; f.run(id, r.ref); }; }, 1e9);
run('rk minimal 1 tx', rk, ins, 1e9);
