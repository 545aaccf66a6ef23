import type { SqlDialect, SqlExecutor, SqlValue } from './sql-driver.js';
import type { ByteCaps, CapPassed } from './byte-caps.js';

/** What an upload asks to count against the staging caps (ImportService works it out). */
export interface StagingClaim {
  /** Bytes staged once the step being written is in: they must fit both caps. */
  readonly need: number;
  /** How far it would like to stage before counting again (at least `need`): granted as the caps' room allows. */
  readonly want: number;
  /** The size its request announced (0: none), counted against its account's cap from the start. */
  readonly announced: number;
}

/** The upload was removed while its request was still staging it (taken for abandoned: clocks of nodes apart). */
export class UploadGone extends Error {
  constructor(id: number) {
    super(`upload ${id} was removed while it was being staged`);
  }
}

/** Pieces read per query when an upload is read back: few round trips (PostgreSQL), 1 MiB in flight. */
const PIECES_PER_READ = 4;
/** Pieces per deleting statement: a large upload is removed in bounded steps. */
const PIECES_PER_DELETE = 64;
/** An upload no job will read (of `import_uploads u`; one parameter: the idle bound): `orphans` and `takeOrphan`. */
const ORPHAN = `(job_id IS NULL AND updated_at < ?) OR (job_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.id = u.job_id))`;

/**
 * Files sent to UploadDatasetImport, staged in pieces (migration 0021). Written by the request
 * in short transactions of their own while the body streams in (never one transaction holding
 * the write lock for a slow body), given to the import job by the transaction that accepts it
 * (`attach`), read by that job as often as its conversion needs, and deleted with the job
 * (by the job runner's finishing transaction) or, never accepted, by the request that failed
 * (`removeUntaken`), by the maintenance sweep (`orphans`, then `takeOrphan` and `removePieces`;
 * `strays`), and on the embedded store when Trove starts.
 */
export class ImportUploadsRepository {
  constructor(private readonly db: SqlExecutor, private readonly dialect: SqlDialect) {}

  /** A new, empty upload (of `account`: its staged bytes count against that account's cap); returns its id. */
  async create(now: number, account: string | null = null): Promise<number> {
    const row = await this.db.get<{ id: number }>('INSERT INTO import_uploads (account, created_at, updated_at) VALUES (?, ?, ?) RETURNING id', [account, now, now]);
    return Number(row!.id);
  }

  /**
   * Counts the upload against the staging caps (under the staged-uploads row of store_locks, so
   * uploads on any node count one after the other and cannot both take the last room): its account
   * cap counts at least the size it announced, the store-wide cap only bytes that arrive (`need`)
   * and the room granted for its next ones. Resolves to how far it may stage before it must count
   * again (`claimed`, at least `need`), or to the cap it would pass (nothing changed). Uploads
   * abandoned by their node (no progress since `liveSince`, see `progress`) no longer count.
   */
  async reserve(id: number, account: string, claim: StagingClaim, caps: ByteCaps, liveSince: number): Promise<{ claimed: number; passed?: CapPassed }> {
    await this.db.get(`SELECT name FROM store_locks WHERE name = 'staged-uploads' ${this.dialect.forUpdate}`);
    // The store-wide total counts at least the bytes staged: nodes on a release before migration
    // 0034 (a rolling upgrade) stage and accept uploads without writing claimed_bytes.
    const used = await this.db.get<{ mine: number | string | null; total: number | string | null }>(
      `SELECT SUM(CASE WHEN account = ? THEN reserved_bytes ELSE 0 END) AS mine,
         SUM(CASE WHEN claimed_bytes < bytes THEN bytes ELSE claimed_bytes END) AS total FROM import_uploads
       WHERE id <> ? AND (job_id IS NOT NULL OR updated_at >= ?)`, [account, id, liveSince],
    );
    const [mine, total] = [Number(used?.mine ?? 0), Number(used?.total ?? 0)];
    const { need, want, announced } = claim;
    const counted = Math.max(announced, need);
    if (mine + counted > caps.perAccount) return { claimed: 0, passed: { cap: 'account', limit: caps.perAccount, used: mine } };
    if (total + need > caps.total) return { claimed: 0, passed: { cap: 'store', limit: caps.total, used: total } };
    // Room beyond `need`, so that the next megabytes stage without this lock: at most half of what
    // is left of each cap (racing uploads near a cap each still get some, and lock more often),
    // and on the account cap up to the announced size for free.
    const ahead = Math.min(want - need, Math.floor((caps.total - total - need) / 2),
      Math.max(0, announced - need) + Math.floor((caps.perAccount - mine - counted) / 2));
    const claimed = need + Math.max(0, ahead);
    const changed = await this.db.run('UPDATE import_uploads SET reserved_bytes = ?, claimed_bytes = ? WHERE id = ?', [Math.max(announced, claimed), claimed, id]);
    if (changed !== 1) throw new UploadGone(id);
    return { claimed };
  }

  /**
   * Stores `pieces` as pieces `firstSeq`, `firstSeq + 1`, ... of the upload, and records its
   * progress. UploadGone when the upload was removed meanwhile (nothing is written).
   */
  async append(id: number, firstSeq: number, pieces: readonly Buffer[], now: number): Promise<void> {
    const bytes = pieces.reduce((sum, piece) => sum + piece.length, 0);
    // What is staged is counted at least (`reserve` counted it first when capped).
    const changed = await this.db.run(
      `UPDATE import_uploads SET bytes = bytes + ?, updated_at = ?,
         reserved_bytes = CASE WHEN reserved_bytes < bytes + ? THEN bytes + ? ELSE reserved_bytes END,
         claimed_bytes = CASE WHEN claimed_bytes < bytes + ? THEN bytes + ? ELSE claimed_bytes END
       WHERE id = ? AND job_id IS NULL`,
      [bytes, now, bytes, bytes, bytes, bytes, id],
    );
    if (changed !== 1) throw new UploadGone(id);
    const rows: SqlValue[][] = pieces.map((piece, i) => [id, firstSeq + i, piece]);
    await this.db.runBatch('INSERT INTO import_upload_pieces (upload_id, seq, body) VALUES (?, ?, ?)', rows);
  }

  /**
   * Records that the upload's bytes are still arriving at `now` (its request's node lives): an
   * upload whose progress time falls behind the abandoned-upload bound (upload-pace.ts) stops
   * counting and is swept. UploadGone when it was removed.
   */
  async progress(id: number, now: number): Promise<void> {
    // Deferred: a mark lost to a power failure costs nothing (the upload's request died with it).
    const changed = await this.db.run('UPDATE import_uploads SET updated_at = ? WHERE id = ? AND job_id IS NULL', [now, id], { durability: 'deferred' });
    if (changed !== 1) throw new UploadGone(id);
  }

  /**
   * Gives a complete upload to the job that will read it: inside the accepting transaction, so
   * the upload is the job's exactly when the job exists. False when the upload is gone (swept).
   */
  async attach(id: number, jobId: number): Promise<boolean> {
    // Counted from now on at its size exactly: room taken ahead of bytes that never came is given back.
    return (await this.db.run('UPDATE import_uploads SET job_id = ?, reserved_bytes = bytes, claimed_bytes = bytes WHERE id = ? AND job_id IS NULL', [jobId, id])) === 1;
  }

  /**
   * The upload's bytes, piece by piece, read anew on every call. Fails if pieces are missing or
   * the total is not `bytes` (what was accepted), so a job never reads a part of a file as the file.
   */
  async *read(id: number, bytes: number): AsyncGenerator<Buffer> {
    let read = 0;
    for (let seq = 0; ; seq += PIECES_PER_READ) {
      const rows = await this.db.all<{ seq: number; body: Buffer }>(
        'SELECT seq, body FROM import_upload_pieces WHERE upload_id = ? AND seq >= ? AND seq < ? ORDER BY seq', [id, seq, seq + PIECES_PER_READ],
      );
      for (const [i, row] of rows.entries()) {
        if (Number(row.seq) !== seq + i) throw new Error(`upload ${id}: piece ${seq + i} is missing`);
        read += row.body.length;
        yield row.body;
      }
      if (rows.length < PIECES_PER_READ) break;
    }
    if (read !== bytes) throw new Error(`upload ${id}: ${read} bytes stored, ${bytes} expected`);
  }

  /**
   * Deletes the upload and its pieces if no job took it: a request that failed removes what it
   * staged, unless its import was accepted after all (an error thrown once the accepting
   * transaction had committed): then the upload is its job's. True when it was removed.
   */
  async removeUntaken(id: number): Promise<boolean> {
    // The row first, in a statement of its own: from then on no `append` or `attach` can find it.
    const gone = await this.db.all<{ id: number }>('DELETE FROM import_uploads WHERE id = ? AND job_id IS NULL RETURNING id', [id]);
    if (gone.length === 0) return false;
    await this.removePieces(id);
    return true;
  }

  /**
   * Deletes the upload's row if it is still an orphan (`orphans`' condition, tested anew): inside
   * a transaction, whose caller then removes its pieces (`removePieces`). The row is locked
   * first, so that an `append` or `attach` committing meanwhile is waited for and then seen (on
   * PostgreSQL a statement that waited for a row re-tests only that row, with its first snapshot
   * of the jobs table: the job `attach` created with the upload would not be seen). False when it
   * is no orphan any more: a late but live upload wrote to it, or its job took it.
   */
  async takeOrphan(id: number, idleBefore: number): Promise<boolean> {
    await this.db.get(`SELECT id FROM import_uploads WHERE id = ? ${this.dialect.forUpdate}`, [id]);
    const gone = await this.db.all<{ id: number }>(`DELETE FROM import_uploads AS u WHERE id = ? AND (${ORPHAN}) RETURNING id`, [id, idleBefore]);
    return gone.length === 1;
  }

  /**
   * Deletes the pieces of an upload whose row is gone, in steps (each its own statement: never
   * one statement freeing 256 MiB of pages at once). Only once the row is deleted: an `append`
   * (which updates the row in the transaction that writes its pieces) can add none after.
   */
  async removePieces(id: number): Promise<void> {
    while ((await this.db.run(
      `DELETE FROM import_upload_pieces WHERE upload_id = ? AND seq IN (SELECT seq FROM import_upload_pieces WHERE upload_id = ? ORDER BY seq LIMIT ${PIECES_PER_DELETE})`,
      [id, id],
    )) > 0);
  }

  /**
   * Uploads that left pieces behind without their row (a removal cut short between the two, or
   * pieces written by an older release racing its own removal): their ids, at most `limit`.
   * Pieces are only written together with an update of their row, so none of these is arriving.
   */
  async strays(limit: number): Promise<number[]> {
    const rows = await this.db.all<{ upload_id: number }>(
      `SELECT DISTINCT upload_id FROM import_upload_pieces p WHERE NOT EXISTS (SELECT 1 FROM import_uploads u WHERE u.id = p.upload_id)
       ORDER BY upload_id LIMIT ?`, [limit],
    );
    return rows.map((row) => Number(row.upload_id));
  }

  /** Deletes the upload a job was given, if any (the job's last transaction: JobRunner, as it finishes the job). */
  async removeOfJob(jobId: number): Promise<void> {
    // One index probe for the jobs that have none (every other job).
    const gone = await this.db.all<{ id: number }>('DELETE FROM import_uploads WHERE job_id = ? RETURNING id', [jobId]);
    for (const { id } of gone) await this.db.run('DELETE FROM import_upload_pieces WHERE upload_id = ?', [Number(id)]);
  }

  /**
   * Uploads no job will read: never accepted and not written to since `idleBefore` (the request
   * died), or given to a job that no longer exists. Their ids, at most `limit`.
   */
  async orphans(idleBefore: number, limit: number): Promise<number[]> {
    const rows = await this.db.all<{ id: number }>(
      `SELECT id FROM import_uploads u WHERE ${ORPHAN} ORDER BY id LIMIT ?`,
      [idleBefore, limit],
    );
    return rows.map((row) => Number(row.id));
  }

  /** Uploads staged now, and their bytes (tests, operators); `account`: that account's only. */
  async tally(account?: string): Promise<{ uploads: number; pieces: number; bytes: number }> {
    const [where, params] = account === undefined ? ['', []] : [' WHERE account = ?', [account]];
    const heads = await this.db.get<{ n: number | string; bytes: number | string | null }>(`SELECT COUNT(*) AS n, SUM(bytes) AS bytes FROM import_uploads${where}`, params);
    const pieces = await this.db.get<{ n: number | string }>(
      `SELECT COUNT(*) AS n FROM import_upload_pieces${account === undefined ? '' : ' WHERE upload_id IN (SELECT id FROM import_uploads WHERE account = ?)'}`, params,
    );
    return { uploads: Number(heads?.n ?? 0), pieces: Number(pieces?.n ?? 0), bytes: Number(heads?.bytes ?? 0) };
  }
}
