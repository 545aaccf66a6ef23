import { describe, expect, it } from 'vitest';
import { expandInsert, insertTemplate, rowsPerStatement, toPositional } from '../../../src/store/postgres/sql-text.js';

describe('toPositional', () => {
  it('numbers placeholders in order', () => {
    expect(toPositional('SELECT a FROM t WHERE b = ? AND c IN (?, ?) LIMIT ?')).toBe('SELECT a FROM t WHERE b = $1 AND c IN ($2, $3) LIMIT $4');
  });

  it('leaves ? inside literals, quoted identifiers, comments and dollar quotes alone', () => {
    expect(toPositional(`SELECT '?', 'it''s ?', "col?" FROM t -- why?\nWHERE x = ? /* ? */ AND y = $$?$$ AND z = $tag$ ? $tag$ AND w = ?`))
      .toBe(`SELECT '?', 'it''s ?', "col?" FROM t -- why?\nWHERE x = $1 /* ? */ AND y = $$?$$ AND z = $tag$ ? $tag$ AND w = $2`);
  });

  it("keeps the LIKE escape clause the repositories use (ESCAPE '\\\\')", () => {
    expect(toPositional("WHERE s LIKE ? ESCAPE '\\' AND t = ?")).toBe("WHERE s LIKE $1 ESCAPE '\\' AND t = $2");
  });
});

describe('insertTemplate', () => {
  it('splits a one-row INSERT so rows can be repeated', () => {
    const sql = `INSERT INTO rk_labels (dataset_id, label, entry_count, bounding_box_count) VALUES (?, ?, ?, ?)
       ON CONFLICT (dataset_id, label) DO UPDATE SET entry_count = rk_labels.entry_count + excluded.entry_count`;
    const template = insertTemplate(sql)!;
    expect(template.width).toBe(4);
    expect(expandInsert(template, 3)).toBe(sql.replace('VALUES (?, ?, ?, ?)', 'VALUES (?, ?, ?, ?), (?, ?, ?, ?), (?, ?, ?, ?)'));
  });

  it('declines statements that are not a plain one-row INSERT', () => {
    expect(insertTemplate('UPDATE t SET a = ? WHERE id = ?')).toBeUndefined();
    expect(insertTemplate('INSERT INTO t (a) SELECT ? WHERE NOT EXISTS (SELECT 1)')).toBeUndefined();
    expect(insertTemplate("INSERT INTO t (a, b) VALUES (?, 'x')")).toBeUndefined();
  });

  it('keeps each statement under PostgreSQL’s 65535 parameters', () => {
    expect(rowsPerStatement(3)).toBe(1000);
    expect(rowsPerStatement(100) * 100).toBeLessThanOrEqual(65_535);
    expect(rowsPerStatement(100_000)).toBe(1);
  });
});
