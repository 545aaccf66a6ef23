import type { SqlValue } from '../sql/sql-driver.js';

/**
 * Turns the portable SQL the repositories write into what PostgreSQL's extended protocol takes:
 * `?` placeholders become `$1, $2, ...`, and a one-row `INSERT ... VALUES (?, ...)` becomes a
 * multi-row statement for `runBatch`. Pure text functions, cached by the driver.
 */

/**
 * Rewrites `?` placeholders to `$n`, leaving string literals, quoted identifiers, dollar-quoted
 * bodies and comments alone (a `?` inside them is text, not a parameter).
 */
export function toPositional(sql: string): string {
  return replacePlaceholders(sql, (n) => `$${n + 1}`);
}

/** Replaces the n-th `?` (from 0) outside literals, identifiers and comments by `replacement(n)`. */
function replacePlaceholders(sql: string, replacement: (n: number) => string): string {
  let out = '';
  let n = 0;
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    const skipTo = skipQuoted(sql, i);
    if (skipTo > i) {
      out += sql.slice(i, skipTo);
      i = skipTo;
    } else if (c === '?') {
      out += replacement(n++);
      i++;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/**
 * The statement with its parameters written in as SQL literals, for sending many statements in
 * one simple-protocol round trip. Strings are quoted with quotes doubled (and backslashes
 * doubled inside E'' when there are any), bytes are decoded from hex, and negative numbers are
 * parenthesised so `- ?` can never become a `--` comment.
 */
export function withLiterals(sql: string, params: readonly SqlValue[]): string {
  return replacePlaceholders(sql, (n) => {
    if (n >= params.length) throw new Error(`statement has more placeholders than the ${params.length} parameters given`);
    return literal(params[n]);
  });
}

function literal(value: SqlValue): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'bigint') return value < 0n ? `(${value})` : String(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cannot write ${value} as an SQL literal`);
    return value < 0 || Object.is(value, -0) ? `(${value})` : String(value);
  }
  if (Buffer.isBuffer(value)) return `decode('${value.toString('hex')}', 'hex')`;
  const quoted = value.replace(/'/g, "''");
  // E'' with doubled backslashes reads the same whatever standard_conforming_strings says.
  return value.includes('\\') ? `E'${quoted.replace(/\\/g, '\\\\')}'` : `'${quoted}'`;
}

/** When a literal, quoted identifier, comment or dollar-quoted body starts at `i`, the index after it; else `i`. */
function skipQuoted(sql: string, i: number): number {
  const c = sql[i];
  if (c === "'" || c === '"') {
    // '' and "" inside are escaped quotes: the scan continues past them.
    let j = i + 1;
    for (;;) {
      const end = sql.indexOf(c, j);
      if (end < 0) return sql.length;
      if (sql[end + 1] === c) j = end + 2;
      else return end + 1;
    }
  }
  if (c === '-' && sql[i + 1] === '-') {
    const end = sql.indexOf('\n', i);
    return end < 0 ? sql.length : end + 1;
  }
  if (c === '/' && sql[i + 1] === '*') {
    const end = sql.indexOf('*/', i + 2);
    return end < 0 ? sql.length : end + 2;
  }
  if (c === '$') {
    const tag = /^\$[A-Za-z_]*\$/.exec(sql.slice(i));
    if (tag) {
      const end = sql.indexOf(tag[0], i + tag[0].length);
      return end < 0 ? sql.length : end + tag[0].length;
    }
  }
  return i;
}

/** A one-row `INSERT INTO t (a, b) VALUES (?, ?) <tail>` split so rows can be repeated. */
export interface InsertTemplate {
  /** The table written to. */
  readonly table: string;
  readonly head: string;
  readonly tuple: string;
  readonly tail: string;
  /** Parameters per row. */
  readonly width: number;
}

const INSERT_VALUES = /^(\s*INSERT\s+INTO\s+([^\s(]+)\s*\([^)]*\)\s*VALUES\s*)(\(\s*\?(?:\s*,\s*\?)*\s*\))([\s\S]*)$/i;

/** The statement as a repeatable row template, or undefined when it is not a plain one-row INSERT. */
export function insertTemplate(sql: string): InsertTemplate | undefined {
  const match = INSERT_VALUES.exec(sql);
  if (!match) return undefined;
  const [, head, table, tuple, tail] = match;
  return { table, head, tuple, tail, width: tuple.split('?').length - 1 };
}

/** PostgreSQL's extended protocol carries at most 65535 parameters per statement. */
const MAX_PARAMS = 65_535;
/** Rows per multi-row statement: large enough to amortise the round trip, small enough to plan fast. */
const MAX_ROWS = 1_000;

/** Rows of one multi-row statement for a template of this width. */
export function rowsPerStatement(width: number): number {
  return Math.max(1, Math.min(MAX_ROWS, Math.floor(MAX_PARAMS / Math.max(1, width))));
}

/** The template repeated for `rows` rows, still with `?` placeholders. */
export function expandInsert(template: InsertTemplate, rows: number): string {
  return template.head + Array.from({ length: rows }, () => template.tuple).join(', ') + template.tail;
}
