import type { FailedJob, FailedJobNote, JobBody, JobRecord, JobState, JobTally, ListedJob, NewJob, OpenJob } from '../records.js';
import type { SqlDialect, SqlExecutor, SqlValue, WriteOptions } from './sql-driver.js';

/**
 * Job payloads are stored in pieces of 64 KiB: the database engine copies each value it is given
 * or returns, so a 5 MB UpdateDatasetEntries payload in one piece cost two more 5 MB allocations
 * (writing it, then reading it back), and large allocations are what the C heap keeps longest.
 * A job reads its pieces one by one as it consumes them (JobBody), never the whole payload.
 */
const BODY_PIECE = 64 * 1024;
/** Pieces read per query: few round trips (PostgreSQL), 512 KiB in flight. */
const PIECES_PER_READ = 8;
/** Job ids per DELETE of purged or ended jobs' bodies (well under either engine's limit on parameters). */
const PURGE_IDS_PER_STATEMENT = 500;
/**
 * Body pieces (of `job_bodies`) that belong to no job: neither a job row nor a failed_jobs note
 * holds them. removeEndedBodies and removeOrphanBodies remove only these.
 */
const UNOWNED_BODY = `NOT EXISTS (SELECT 1 FROM jobs WHERE jobs.id = job_bodies.job_id)
      AND NOT EXISTS (SELECT 1 FROM failed_jobs WHERE failed_jobs.job_id = job_bodies.job_id)`;

interface JobRow {
  id: number;
  kind: string;
  payload_version: number;
  resource: string;
  payload: string;
  attempts: number;
  lease_owner: string | null;
  created_at: number;
  cancel_requested_by: string | null;
}

/** Durable jobs. A job row lives from the accepting transaction to the one that applies its result. */
export class JobsRepository {
  constructor(private readonly db: SqlExecutor, private readonly dialect: SqlDialect) {}

  /** Stores a job with its payload; returns its id. Call inside the transaction that accepts the request. */
  async enqueue(job: NewJob): Promise<number> {
    const row = await this.db.get<{ id: number }>(
      `INSERT INTO jobs (kind, payload_version, resource, payload, state, run_after, created_at)
       VALUES (?, ?, ?, ?, 'pending', ?, ?) RETURNING id`,
      [job.kind, job.payloadVersion, job.resource, JSON.stringify(job.payload), job.runAfter, job.createdAt],
    );
    const id = Number(row!.id);
    if (job.body) {
      const pieces: SqlValue[][] = [];
      for (let at = 0, seq = 0; at < job.body.length || seq === 0; at += BODY_PIECE, seq++) pieces.push([id, seq, job.body.subarray(at, at + BODY_PIECE)]);
      await this.db.runBatch('INSERT INTO job_bodies (job_id, seq, body) VALUES (?, ?, ?)', pieces);
    }
    return id;
  }

  /**
   * Leases the oldest runnable job to `owner`: a pending job whose time has come, or a running job
   * whose lease expired (its runner died). Concurrent claimers never get the same job. A running
   * job's `run_after` is when its attempt started (ListJobs shows it): it was in the past already,
   * and every way back to `pending` either sets it anew or leaves a past time (runnable at once).
   */
  async claim(owner: string, now: number, leaseMs: number): Promise<JobRecord | undefined> {
    return this.#claimFirst(owner, now, leaseMs, "(state = 'pending' AND run_after <= ?) OR (state = 'running' AND lease_expires_at < ?)", [now, now]);
  }

  /**
   * Leases the pending job `id` to `owner` at once, whenever it is due: CancelJob fails a queued
   * job this way in its own request (the runner's cancel path) instead of waiting for a claim.
   */
  async claimById(id: number, owner: string, now: number, leaseMs: number): Promise<JobRecord | undefined> {
    return this.#claimFirst(owner, now, leaseMs, "state = 'pending' AND id = ?", [id]);
  }

  /** Leases the oldest job matching `where` to `owner`, recording the attempt's start in run_after (see claim). */
  async #claimFirst(owner: string, now: number, leaseMs: number, where: string, params: SqlValue[]): Promise<JobRecord | undefined> {
    // A job still 'running' here is one whose lease expired: its attempt ended without a word, so
    // it gets one (SET reads the row as it was, on both engines).
    const row = await this.db.get<JobRow>(
      `UPDATE jobs SET state = 'running', lease_owner = ?, lease_expires_at = ?, attempts = attempts + 1, run_after = ?,
         last_error = CASE WHEN state = 'running' THEN '${STOPPED_RUNNING} (its lease expired)' ELSE last_error END
       WHERE id = (SELECT id FROM jobs WHERE ${where} ORDER BY id LIMIT 1 ${this.dialect.skipLocked})
       RETURNING id, kind, payload_version, resource, payload, attempts, lease_owner, created_at, cancel_requested_by`,
      // A claim lost to a power failure is claimed again: it need not wait for the disk.
      [owner, now + leaseMs, now, ...params], { durability: 'deferred' },
    );
    if (!row) return undefined;
    return toRecord(row, await this.#body(Number(row.id)));
  }

  /**
   * A job's payload as a JobBody: its size now, its pieces when they are read. A piece that is
   * gone (the job finished by another node after this one lost its lease) fails the read.
   */
  async #body(id: number): Promise<JobBody | null> {
    const size = await this.db.get<{ pieces: number; bytes: number | null }>(
      'SELECT COUNT(*) AS pieces, SUM(LENGTH(body)) AS bytes FROM job_bodies WHERE job_id = ?', [id],
    );
    const count = Number(size?.pieces ?? 0);
    if (count === 0) return null;
    const bytes = Number(size!.bytes);
    const pieces = (via: JobsRepository = this) => via.bodyPieces(id, count);
    return {
      bytes,
      pieces,
      async read() {
        const whole = Buffer.allocUnsafe(bytes);
        let filled = 0;
        for await (const piece of pieces()) filled += piece.copy(whole, filled);
        if (filled !== bytes) throw new Error(`job ${id}: its payload changed while it was read`);
        return whole;
      },
    };
  }

  /** The `count` pieces of a job's payload in order, PIECES_PER_READ per query (JobBody.pieces). */
  async *bodyPieces(id: number, count: number): AsyncGenerator<Buffer> {
    for (let seq = 0; seq < count; seq += PIECES_PER_READ) {
      const want = Math.min(PIECES_PER_READ, count - seq);
      const rows = await this.db.all<{ body: Buffer }>(
        'SELECT body FROM job_bodies WHERE job_id = ? AND seq >= ? AND seq < ? ORDER BY seq', [id, seq, seq + want],
      );
      if (rows.length !== want) throw new Error(`job ${id}: its payload is gone (pieces ${seq}-${seq + want - 1} of ${count})`);
      for (const row of rows) yield row.body;
    }
  }

  /** Extends the lease; false when another runner has taken the job over. */
  async heartbeat(id: number, owner: string, until: number): Promise<boolean> {
    return (await this.db.run('UPDATE jobs SET lease_expires_at = ? WHERE id = ? AND lease_owner = ?', [until, id, owner], { durability: 'deferred' })) === 1;
  }

  /**
   * Whether `owner` still holds the job (undefined when not), and whether a cancel was asked for
   * meanwhile: read by every transaction of a running job, so the node running it sees a cancel
   * at its next transaction, whichever node took the CancelJob request. Inside a transaction on
   * PostgreSQL this also locks the job row (KEY SHARE): no other runner can take the job over
   * until the transaction ends, while this runner's heartbeats still extend the lease (a job
   * transaction may outlast the lease).
   */
  async lease(id: number, owner: string): Promise<{ cancelRequestedBy: string | null } | undefined> {
    const row = await this.db.get<{ cancel_requested_by: string | null }>(
      `SELECT cancel_requested_by FROM jobs WHERE id = ? AND lease_owner = ? AND state = 'running' ${this.dialect.forKeyShare}`,
      [id, owner],
    );
    return row && { cancelRequestedBy: row.cancel_requested_by };
  }

  /**
   * Removes a finished job; false if `owner` no longer holds it, or (unless `evenIfCancelled`) a
   * cancel was asked for since the job's transaction read its lease: then the caller must roll
   * back. (On PostgreSQL the DELETE re-reads a row a concurrent CancelJob updated and commits,
   * so a cancel answered "asked for" is never lost to a job that finishes at the same moment.)
   * A failed job (`failed`: it gave up, or was rejected or cancelled) is noted in failed_jobs in
   * the same transaction, with its payload, and keeps its body pieces when `failed.keepBody`
   * (RetryJob may queue it again), or loses them here.
   *
   * A job that finished (no `failed`) leaves its body pieces to `removeEndedBodies`, after this
   * transaction commits: freeing a 5 MB request's 80 pieces walks each one's overflow pages
   * (3-24 ms), all of it before the job's result became visible when done here. Its pieces,
   * left with no job row and no note, count against nothing (only failed_jobs.kept_bytes is
   * capped), no job reads them (its id is never given again), and the sweep removes them if the
   * removal never came (removeOrphanBodies).
   */
  async finish(id: number, owner: string, failed?: FailedJobNote, evenIfCancelled = false): Promise<boolean> {
    const note = failed && await this.db.get<{ id: number; payload_bytes: number | string | null }>(
      `INSERT INTO failed_jobs (job_id, kind, resource, attempts, interrupted_attempts, last_error, created_at, failed_at, payload_version, payload, retry_refusal, account, rejected)
       SELECT id, kind, resource, ?, interrupted_attempts, COALESCE(?, last_error), created_at, ?, payload_version, payload, ?, ?, ? FROM jobs WHERE id = ? AND lease_owner = ?
       RETURNING id, octet_length(payload) AS payload_bytes`,
      [failed.attempts, failed.error?.slice(0, 2000) ?? null, failed.at, failed.retryRefusal ?? null, failed.account ?? null, failed.rejected ? 1 : 0, id, owner],
    );
    const cancelled = evenIfCancelled ? '' : ' AND cancel_requested_by IS NULL';
    if ((await this.db.run(`DELETE FROM jobs WHERE id = ? AND lease_owner = ?${cancelled}`, [id, owner])) !== 1) return false;
    if (!failed) return true;
    const kept = note && failed.keepBody && await this.#keep(Number(note.id), Number(note.payload_bytes ?? 0), failed);
    if (!kept) await this.db.run('DELETE FROM job_bodies WHERE job_id = ?', [id]);
    return true;
  }

  /**
   * Removes the body pieces of the jobs `ids` that have ended keeping nothing (finish): no job row
   * and no failed_jobs note holds them, after the finishing transaction, in a statement of its own
   * (one per PURGE_IDS_PER_STATEMENT jobs, each committing by itself outside a transaction). The
   * test is in the DELETE: a job that has neither never gets either again (ids are never given
   * twice; only RetryJob brings an id back, from its note, in the transaction that deletes the
   * note), so no take-then-delete is needed against a node queueing or retrying meanwhile.
   */
  async removeEndedBodies(ids: readonly number[]): Promise<void> {
    await this.#inChunks(ids, (marks) => `DELETE FROM job_bodies WHERE job_id IN (${marks}) AND ${UNOWNED_BODY}`,
    // Not synced (SQLite): a removal a power failure takes back is done again by the sweep.
    { durability: 'deferred' });
  }

  /**
   * Body pieces of up to `limit` ended jobs whose removal never came (the process stopped between
   * a job's finish and removeEndedBodies: a crash, a kill -9, a store outage): removed as
   * removeEndedBodies does, one job a statement (freeing a 5 MB request holds SQLite's writer, and
   * its event loop, ~10 ms). Resolves to how many jobs' pieces went.
   */
  async removeOrphanBodies(limit: number): Promise<number> {
    // Only each job's first piece is looked at (every stored request has one, and its pieces go
    // all at once): the scan of the primary key meets one entry a job instead of 80 for 5 MB.
    const rows = await this.db.all<{ job_id: number }>(
      `SELECT job_id FROM job_bodies WHERE seq = 0 AND ${UNOWNED_BODY} LIMIT ?`, [limit],
    );
    for (const row of rows) await this.removeEndedBodies([Number(row.job_id)]);
    return rows.length;
  }

  /** Runs `sql(marks)` for `ids`, PURGE_IDS_PER_STATEMENT ids at a time (`marks`: their placeholders). */
  async #inChunks(ids: readonly number[], sql: (marks: string) => string, options?: WriteOptions): Promise<void> {
    for (let at = 0; at < ids.length; at += PURGE_IDS_PER_STATEMENT) {
      const chunk = ids.slice(at, at + PURGE_IDS_PER_STATEMENT);
      await this.db.run(sql(chunk.map(() => '?').join(', ')), chunk, options);
    }
  }

  /**
   * Counts the request the failed job `noteId` keeps (its payload, `payloadBytes`, and its body
   * pieces) against `failed.keep`'s caps, letting other kept requests go until it fits: past its
   * account's cap, that account's oldest; past the store-wide cap, the oldest of the account
   * holding the most kept bytes (this one counted in its account, as its newest), so a tenant
   * within its share is not evicted by another's failures. False when this request is the one to
   * go (then it is let go itself). Locks the kept-failed-requests row of store_locks first: nodes
   * finishing jobs at once count one after the other. Sums once, then subtracts what it lets go.
   */
  async #keep(noteId: number, payloadBytes: number, failed: FailedJobNote): Promise<boolean> {
    const body = await this.db.get<{ bytes: number | string | null }>('SELECT SUM(LENGTH(body)) AS bytes FROM job_bodies WHERE job_id = (SELECT job_id FROM failed_jobs WHERE id = ?)', [noteId]);
    const bytes = payloadBytes + Number(body?.bytes ?? 0);
    const { caps, letGo } = failed.keep ?? {};
    if (caps && letGo) {
      await this.db.get(`SELECT name FROM store_locks WHERE name = 'kept-failed-requests' ${this.dialect.forUpdate}`);
      const account = failed.account ?? '';
      if (bytes > caps.perAccount || bytes > caps.total) {
        // It alone passes a cap: it goes, and nothing else.
        await this.#letGo(noteId, letGo, false);
        return false;
      }
      // Per account: bytes kept, and its oldest kept request (ties between accounts go to the older).
      const held = new Map<string, { bytes: number; oldest: number }>();
      const rows = await this.db.all<{ account: string; bytes: number | string; oldest: number | string }>(
        "SELECT COALESCE(account, '') AS account, SUM(kept_bytes) AS bytes, MIN(id) AS oldest FROM failed_jobs WHERE kept_bytes > 0 GROUP BY COALESCE(account, '')",
      );
      for (const row of rows) held.set(row.account, { bytes: Number(row.bytes), oldest: Number(row.oldest) });
      const mine = held.get(account) ?? { bytes: 0, oldest: noteId };
      held.set(account, { bytes: mine.bytes + bytes, oldest: Math.min(mine.oldest, noteId) });
      let total = [...held.values()].reduce((sum, each) => sum + each.bytes, 0);
      for (;;) {
        const from = held.get(account)!.bytes > caps.perAccount ? account : total > caps.total ? largest(held) : undefined;
        if (from === undefined) break;
        // Its oldest kept requests (this one's kept_bytes is still 0: not among them); none left: this one goes.
        const [oldest, next] = await this.db.all<{ id: number | string; kept_bytes: number | string }>(
          // No account is one account however written: NULL (rows noted before migration 0030), or '' (accountOf a resource that is no ARN).
          `SELECT id, kept_bytes FROM failed_jobs WHERE kept_bytes > 0 AND ${from === '' ? "(account IS NULL OR account = '')" : 'account = ?'} ORDER BY id LIMIT 2`, from === '' ? [] : [from],
        );
        if (!oldest) {
          await this.#letGo(noteId, letGo, false);
          return false;
        }
        await this.#letGo(Number(oldest.id), letGo, true);
        const left = held.get(from)!;
        left.bytes -= Number(oldest.kept_bytes);
        left.oldest = next ? Number(next.id) : noteId;
        total -= Number(oldest.kept_bytes);
      }
    }
    await this.db.run('UPDATE failed_jobs SET kept_bytes = ? WHERE id = ?', [bytes, noteId]);
    return true;
  }

  /**
   * The failed job noted `noteId` no longer keeps its request (its payload, and its body pieces:
   * `bodies`); RetryJob refuses it with `refusal`. The payload goes too: a RetryJob that read the
   * note before this commits finds none when it requeues (requeueFailed), instead of queueing a
   * change without its lines.
   */
  async #letGo(noteId: number, refusal: string, bodies: boolean): Promise<void> {
    const row = await this.db.get<{ job_id: number }>('UPDATE failed_jobs SET kept_bytes = 0, payload = NULL, retry_refusal = ? WHERE id = ? RETURNING job_id', [refusal, noteId]);
    if (bodies && row) await this.db.run('DELETE FROM job_bodies WHERE job_id = ?', [Number(row.job_id)]);
  }

  /**
   * Asks the open job `id` to stop (CancelJob): false when it is not open (any more), or was
   * asked already, or (`waitingOnly`) a runner holds it. The caller's scope (resourcePrefixes)
   * was checked by reading it first.
   */
  async requestCancel(id: number, by: string, waitingOnly = false): Promise<boolean> {
    const waiting = waitingOnly ? " AND state = 'pending'" : '';
    return (await this.db.run(`UPDATE jobs SET cancel_requested_by = ? WHERE id = ? AND cancel_requested_by IS NULL${waiting}`, [by, id])) === 1;
  }

  /** The open job `id`, if its resource starts with one of `resourcePrefixes` (undefined: any). */
  async findOpen(id: number, resourcePrefixes?: readonly string[]): Promise<OpenJob | undefined> {
    const [owned, params] = prefixCondition(resourcePrefixes);
    const row = await this.db.get<{ id: number; kind: string; resource: string; payload: string; state: OpenJob['state']; cancel_requested_by: string | null }>(
      `SELECT id, kind, resource, payload, ${STATE_OF_ROW} AS state, cancel_requested_by FROM jobs WHERE id = ? AND ${owned}`, [id, ...params],
    );
    return row && { id: Number(row.id), kind: row.kind, resource: row.resource, payload: row.payload, state: row.state, cancelRequestedBy: row.cancel_requested_by };
  }

  /** The failed job `id` (its latest note), scoped as findOpen. */
  async findFailed(id: number, resourcePrefixes?: readonly string[]): Promise<FailedJob | undefined> {
    const [owned, params] = prefixCondition(resourcePrefixes);
    const row = await this.db.get<{ job_id: number; kind: string; resource: string; payload_version: number | null; payload: string | null; retry_refusal: string | null }>(
      `SELECT job_id, kind, resource, payload_version, payload, retry_refusal FROM failed_jobs WHERE job_id = ? AND ${owned} ORDER BY id DESC LIMIT 1`,
      [id, ...params],
    );
    return row && {
      id: Number(row.job_id), kind: row.kind, resource: row.resource, payloadVersion: row.payload_version, payload: row.payload, retryRefusal: row.retry_refusal,
    };
  }

  /**
   * Queues the failed job `id` again under the same id (ids are never given twice: 0020 on
   * SQLite, an identity on PostgreSQL), from its kept payload and body pieces, as a job never
   * tried, with `payload` (the kept one, as the retrying caller's). Call inside a transaction,
   * rolled back when this answers false: the job is no longer failed (retried meanwhile, or
   * forgotten by purgeFailed), or kept no request.
   *
   * Its failed_jobs note is deleted first: whoever deletes a note owns the bytes it kept, and a
   * retry and a purge of the same job cannot both delete it (PostgreSQL: the second waits on the
   * first's row lock, then finds the row gone; SQLite: writes are serialised).
   */
  async requeueFailed(id: number, payload: unknown, now: number): Promise<boolean> {
    const notes = await this.db.all<{ id: number; kind: string; payload_version: number | null; resource: string; payload: string | null }>(
      'DELETE FROM failed_jobs WHERE job_id = ? RETURNING id, kind, payload_version, resource, payload', [id],
    );
    const note = notes.reduce<(typeof notes)[number] | undefined>((latest, row) => (latest && Number(latest.id) > Number(row.id) ? latest : row), undefined);
    if (!note || note.payload === null) return false;
    await this.db.run(
      `INSERT INTO jobs (id, kind, payload_version, resource, payload, state, attempts, run_after, created_at)
       VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?)`,
      [id, note.kind, note.payload_version, note.resource, JSON.stringify(payload), now, now],
    );
    return true;
  }

  /** Puts a failed attempt back in the queue to be retried at `runAfter`. */
  async retryLater(id: number, owner: string, runAfter: number, error: string): Promise<void> {
    await this.db.run(
      `UPDATE jobs SET state = 'pending', lease_owner = NULL, lease_expires_at = NULL, run_after = ?, last_error = ?
       WHERE id = ? AND lease_owner = ?`,
      [runAfter, error.slice(0, 2000), id, owner],
    );
  }

  /**
   * Hands one job back to the queue without counting the attempt in `attempts` (it was cut short,
   * not failed; or its claim ran nothing), due at `runAfter`, with the reason it was cut short
   * (none: its last error stays). `interrupted`: the attempt had started running the job (a store
   * outage cut it short), counted in `interrupted_attempts` instead, so the job is not listed as
   * never started.
   */
  async release(id: number, owner: string, runAfter: number, reason?: string, interrupted = false): Promise<boolean> {
    return (await this.db.run(
      `UPDATE jobs SET state = 'pending', lease_owner = NULL, lease_expires_at = NULL, attempts = attempts - 1, interrupted_attempts = interrupted_attempts + ?,
       run_after = ?, last_error = COALESCE(?, last_error)
       WHERE id = ? AND lease_owner = ? AND state = 'running'`,
      [interrupted ? 1 : 0, runAfter, reason?.slice(0, 2000) ?? null, id, owner],
    )) === 1;
  }

  /**
   * Hands every running job back to the queue at once. Only for the embedded store, where a
   * lock on the data directory guarantees that no other process can be running them. Their
   * attempts stay counted, as a lease that expires on PostgreSQL counts (the next claim adds its
   * own): the process stopped without ending them (a crash; a clean stop waits for its jobs), and
   * a job that crashes its process must still reach its last attempt.
   */
  async releaseAllRunning(): Promise<number> {
    return this.db.run(
      `UPDATE jobs SET state = 'pending', lease_owner = NULL, lease_expires_at = NULL, last_error = '${STOPPED_RUNNING} (the process stopped)' WHERE state = 'running'`,
    );
  }

  /** Number of jobs not yet finished. */
  async countOpen(): Promise<number> {
    const row = await this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM jobs');
    return Number(row?.n ?? 0);
  }

  /**
   * Jobs per kind and state, with the creation time of the oldest: one grouped query over the
   * open jobs and the failed ones, cheap enough for every metrics scrape (both tables are small).
   */
  async tally(): Promise<JobTally[]> {
    const rows = await this.db.all<{ kind: string; state: JobState; n: number | string; oldest: number | string }>(
      `SELECT kind, ${STATE_OF_ROW} AS state, COUNT(*) AS n, MIN(created_at) AS oldest FROM jobs GROUP BY 1, 2
       UNION ALL
       SELECT kind, 'FAILED' AS state, COUNT(*) AS n, MIN(created_at) AS oldest FROM failed_jobs GROUP BY 1`,
    );
    return rows.map((row) => ({ kind: row.kind, state: row.state, count: Number(row.n), oldestCreatedAt: Number(row.oldest) }));
  }

  /**
   * Open jobs (queued, running, retrying) in id order after `afterId`, of the given states,
   * optionally only those whose resource starts with one of `resourcePrefixes` (a caller's ARNs).
   */
  async listOpen(options: { states: readonly JobState[]; afterId: number; limit: number; resourcePrefixes?: readonly string[] }): Promise<ListedJob[]> {
    const wanted = options.states.filter((state) => state !== 'FAILED').map((state) => OPEN_STATE_CONDITIONS[state as Exclude<JobState, 'FAILED'>]);
    if (wanted.length === 0) return [];
    const [owned, params] = prefixCondition(options.resourcePrefixes);
    const rows = await this.db.all<OpenJobRow>(
      `SELECT id, kind, resource, ${STATE_OF_ROW} AS state, attempts, interrupted_attempts, run_after, lease_owner, lease_expires_at, last_error, created_at, cancel_requested_by, payload
       FROM jobs WHERE id > ? AND (${wanted.join(' OR ')}) AND ${owned} ORDER BY id LIMIT ?`,
      [options.afterId, ...params, options.limit],
    );
    return rows.map((row) => ({
      cursor: Number(row.id), id: Number(row.id), kind: row.kind, state: row.state, resource: row.resource, attempts: row.attempts,
      interruptedAttempts: Number(row.interrupted_attempts), lastError: row.last_error, createdAt: Number(row.created_at), runAfter: Number(row.run_after), leaseOwner: row.lease_owner,
      leaseExpiresAt: row.lease_expires_at === null ? null : Number(row.lease_expires_at), failedAt: null, cancelRequestedBy: row.cancel_requested_by,
      payload: row.payload,
    }));
  }

  /** Jobs that gave up, in the order they failed, after the failed_jobs row `afterId`; filtered as listOpen. */
  async listFailed(options: { afterId: number; limit: number; resourcePrefixes?: readonly string[] }): Promise<ListedJob[]> {
    const [owned, params] = prefixCondition(options.resourcePrefixes);
    const rows = await this.db.all<FailedJobRow>(
      `SELECT id, job_id, kind, resource, attempts, interrupted_attempts, last_error, rejected, created_at, failed_at, payload, retry_refusal FROM failed_jobs
       WHERE id > ? AND ${owned} ORDER BY id LIMIT ?`,
      [options.afterId, ...params, options.limit],
    );
    return rows.map((row) => ({
      cursor: Number(row.id), id: Number(row.job_id), kind: row.kind, state: 'FAILED', resource: row.resource, attempts: row.attempts,
      interruptedAttempts: Number(row.interrupted_attempts), lastError: row.last_error, rejected: Number(row.rejected) === 1, createdAt: Number(row.created_at), runAfter: null, leaseOwner: null, leaseExpiresAt: null,
      failedAt: Number(row.failed_at), cancelRequestedBy: null, payload: row.payload, retryRefusal: row.retry_refusal,
    }));
  }

  /**
   * Forgets failed jobs older than `before`, with their kept bodies (the maintenance sweep); resolves
   * to how many. Call inside a transaction. Only the bodies of the notes this statement deleted go:
   * a job retried meanwhile deleted its note first (requeueFailed), so this one skips it and its
   * re-queued job keeps its lines.
   */
  async purgeFailed(before: number): Promise<number> {
    const gone = await this.db.all<{ job_id: number }>('DELETE FROM failed_jobs WHERE failed_at < ? RETURNING job_id', [before]);
    await this.#inChunks([...new Set(gone.map((row) => Number(row.job_id)))], (marks) => `DELETE FROM job_bodies WHERE job_id IN (${marks})`);
    return gone.length;
  }
}

/**
 * The error of an attempt that no runner ended: its node crashed, was killed, or lost the store
 * for longer than its lease. (A constant in the SQL: no quote in it.)
 */
const STOPPED_RUNNING = 'The node running it stopped before the attempt finished';

/**
 * A job row's state as listed: running, or pending with no attempt counted (QUEUED: never
 * started, or its runs were cut short by store outages, interrupted_attempts), or pending after a
 * failed attempt, waiting for its next one (RETRYING).
 */
const STATE_OF_ROW = `CASE WHEN state = 'running' THEN 'RUNNING' WHEN attempts > 0 THEN 'RETRYING' ELSE 'QUEUED' END`;

const OPEN_STATE_CONDITIONS: Record<Exclude<JobState, 'FAILED'>, string> = {
  QUEUED: `(state = 'pending' AND attempts = 0)`,
  RETRYING: `(state = 'pending' AND attempts > 0)`,
  RUNNING: `state = 'running'`,
};

/** `resource` starts with one of the prefixes (exact prefix comparison: no LIKE wildcards to escape). */
function prefixCondition(prefixes: readonly string[] | undefined): [string, SqlValue[]] {
  if (prefixes === undefined) return ['1 = 1', []];
  if (prefixes.length === 0) return ['1 = 0', []];
  return [
    `(${prefixes.map(() => 'substr(resource, 1, ?) = ?').join(' OR ')})`,
    prefixes.flatMap((prefix) => [prefix.length, prefix]),
  ];
}

interface OpenJobRow {
  id: number;
  kind: string;
  resource: string;
  state: Exclude<JobState, 'FAILED'>;
  attempts: number;
  interrupted_attempts: number | string;
  run_after: number | string;
  lease_owner: string | null;
  lease_expires_at: number | string | null;
  last_error: string | null;
  created_at: number | string;
  cancel_requested_by: string | null;
  payload: string;
}

interface FailedJobRow {
  id: number;
  job_id: number;
  kind: string;
  resource: string;
  attempts: number;
  interrupted_attempts: number | string;
  last_error: string | null;
  rejected: number | string;
  created_at: number | string;
  failed_at: number | string;
  payload: string | null;
  retry_refusal: string | null;
}

function toRecord(row: JobRow, body: JobBody | null): JobRecord {
  return {
    id: Number(row.id),
    kind: row.kind,
    payloadVersion: row.payload_version,
    resource: row.resource,
    payload: row.payload,
    body,
    attempts: row.attempts,
    leaseOwner: row.lease_owner,
    createdAt: Number(row.created_at),
    cancelRequestedBy: row.cancel_requested_by,
  };
}

/** The account holding the most kept bytes; among equals, the one whose oldest kept request is oldest. */
function largest(held: ReadonlyMap<string, { bytes: number; oldest: number }>): string {
  let most: [string, { bytes: number; oldest: number }] | undefined;
  for (const entry of held) {
    if (!most || entry[1].bytes > most[1].bytes || (entry[1].bytes === most[1].bytes && entry[1].oldest < most[1].oldest)) most = entry;
  }
  return most![0];
}
