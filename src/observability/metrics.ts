import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ImageCheckOutcome } from '../domain/rekognition/images/image-checker.js';
import type { IngestResult } from '../domain/rekognition/ingest.js';
import type { BatchRejected } from '../domain/rekognition/revision-writer.js';
import type { IngestObserver, LineSource } from '../jobs/definitions/rekognition/job-deps.js';
import type { JobAttemptOutcome, JobObserver } from '../jobs/runner.js';
import type { JobRecord, JobState, JobTally } from '../store/records.js';
import type { PoolStats, SqlDialect, SqlObserver } from '../store/sql/sql-driver.js';
import { storeFailureOf } from '../store/store-error-kind.js';
import { FixedHistogram } from './fixed-histogram.js';

/** What the gauges read when Prometheus scrapes, never on a request's path. */
export interface MetricsSources {
  /** Every job kind, so each shows up (at 0) before its first job. */
  readonly jobKinds: readonly string[];
  /** Jobs per kind and state: one grouped query over the (small) jobs tables. */
  readonly jobTally: () => Promise<readonly JobTally[]>;
  /** PostgreSQL's connection pool; undefined on the embedded store. */
  readonly poolStats: () => PoolStats | undefined;
  /** Sessions of the database waiting for a lock (PostgreSQL; undefined when not read this time). */
  readonly lockWaits?: () => Promise<number | undefined>;
  readonly now: () => number;
}

export interface MetricsOptions {
  /** prom-client's process metrics (CPU, memory, event loop lag, GC, handles): on for a real server. */
  readonly processMetrics?: boolean;
}

const JOB_STATES: readonly JobState[] = ['QUEUED', 'RUNNING', 'RETRYING', 'FAILED'];
const REQUEST_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Statements and connection waits: an in-process SQLite read takes tens of microseconds. */
const STATEMENT_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const JOB_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900];

/**
 * Trove's Prometheus metrics, in a registry of their own (so several servers in one process,
 * as in the tests, never share or clash). Counters and histograms are fed as things happen
 * (requests by the request-context plugin, job attempts by the runner, lines and image checks
 * by the Rekognition jobs, store errors by the store); gauges that need the store are read at
 * scrape time with one grouped query. `GET /_trove/metrics` renders `text()`.
 */
export class Metrics implements JobObserver, IngestObserver {
  readonly registry = new Registry();
  readonly #requests: Counter<'api' | 'operation' | 'status'>;
  readonly #requestSeconds: Histogram<'api' | 'operation' | 'status'>;
  readonly #jobWait: Histogram<'kind'>;
  readonly #jobRun: Histogram<'kind' | 'outcome'>;
  readonly #lines: Counter<'source' | 'outcome'>;
  readonly #linesRejected: Counter<'source' | 'code'>;
  readonly #lineErrors: Counter<'source' | 'code'>;
  readonly #batches: Counter<'source' | 'outcome' | 'code'>;
  readonly #imageChecks: Counter<'outcome'>;
  readonly #storeErrors: Counter<'kind' | 'code'>;
  readonly #statementSeconds: FixedHistogram;
  readonly #transactionSeconds: FixedHistogram;
  readonly #connectionWaitSeconds: FixedHistogram;
  readonly #lockWaitSeconds: FixedHistogram;
  readonly #retries: Counter<'engine' | 'reason'>;
  readonly #databases = new Map<SqlDialect['name'], SqlObserver>();

  constructor(options: MetricsOptions = {}) {
    const registers = [this.registry];
    this.#requests = new Counter({
      name: 'trove_requests_total', help: 'HTTP requests answered, by API (SigV4 signing name), operation and status code.',
      labelNames: ['api', 'operation', 'status'], registers,
    });
    this.#requestSeconds = new Histogram({
      name: 'trove_request_duration_seconds', help: 'Time from receiving a request to sending its answer.',
      labelNames: ['api', 'operation', 'status'], buckets: REQUEST_BUCKETS, registers,
    });
    this.#jobWait = new Histogram({
      name: 'trove_job_wait_seconds', help: 'Time a job waited in the queue, from the request that stored it to its first attempt on this node.',
      labelNames: ['kind'], buckets: JOB_BUCKETS, registers,
    });
    this.#jobRun = new Histogram({
      name: 'trove_job_run_seconds',
      help: 'Time each job attempt on this node ran, by outcome: finished, failed (retried later), gave_up, cancelled (CancelJob), interrupted (database unavailable), lease_lost, left_to_runner (a cancel\'s long give-up handed from its request to a runner).',
      labelNames: ['kind', 'outcome'], buckets: JOB_BUCKETS, registers,
    });
    this.#lines = new Counter({
      name: 'trove_rekognition_lines_total',
      help: 'Manifest lines of UpdateDatasetEntries changes (source="change") and CreateDataset manifests (source="manifest"): accepted as entries or rejected.',
      labelNames: ['source', 'outcome'], registers,
    });
    this.#linesRejected = new Counter({
      name: 'trove_rekognition_lines_rejected_total',
      help: 'Rejected manifest lines by reason: why the line was dropped, or the AWS error code that refused its whole batch.',
      labelNames: ['source', 'code'], registers,
    });
    this.#lineErrors = new Counter({
      name: 'trove_rekognition_line_errors_total', help: 'Errors recorded in accepted entries (cl-errors), by AWS error code.',
      labelNames: ['source', 'code'], registers,
    });
    this.#batches = new Counter({
      name: 'trove_rekognition_batches_total', help: 'Changes and manifests applied (outcome="complete") or refused as a whole (outcome="rejected", with the AWS error code).',
      labelNames: ['source', 'outcome', 'code'], registers,
    });
    this.#imageChecks = new Counter({
      name: 'trove_image_checks_total',
      help: 'Images checked for source-refs: ok, the AWS error code found, not_checked (the object store has no such bucket), unavailable (retried).',
      labelNames: ['outcome'], registers,
    });
    this.#storeErrors = new Counter({
      name: 'trove_store_errors_total',
      help: 'Store calls that failed in the database: kind="unavailable" (no connection) or "database" (the engine refused), with its code.',
      labelNames: ['kind', 'code'], registers,
    });
    // The store's own timings: labelled by engine and a fixed set of kinds or outcomes only (never
    // the SQL text), the same names on both engines so one dashboard reads either.
    this.#statementSeconds = new FixedHistogram('trove_database_statement_duration_seconds',
      'Store statements by engine and kind: read, write (on PostgreSQL each round trip of a batch; on SQLite a batch is one), control (BEGIN, COMMIT, ROLLBACK, SET).',
      STATEMENT_BUCKETS, this.registry);
    this.#transactionSeconds = new FixedHistogram('trove_database_transaction_duration_seconds',
      'Store transactions by engine and outcome (commit, or rollback when anything in it failed), from BEGIN to its end.',
      STATEMENT_BUCKETS, this.registry);
    this.#connectionWaitSeconds = new FixedHistogram('trove_database_connection_wait_seconds',
      'Time waiting for a database connection: PostgreSQL\'s pool (see trove_database_pool_waiting), SQLite\'s one write connection (writes and transactions take turns).',
      STATEMENT_BUCKETS, this.registry);
    this.#lockWaitSeconds = new FixedHistogram('trove_database_lock_wait_seconds',
      'Time waiting for the locks Trove takes by key on PostgreSQL (lock="key": quota counts, pg_advisory_xact_lock); row-lock waits show in trove_database_lock_waiting_sessions.',
      STATEMENT_BUCKETS, this.registry);
    this.#retries = new Counter({
      name: 'trove_database_transaction_retries_total',
      help: 'Statements and transactions run once more, by reason: read_only (PostgreSQL refused a write because the session was opened read-only, e.g. before a failover).',
      labelNames: ['engine', 'reason'], registers,
    });
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /** One answered HTTP request (the request-context plugin). */
  request(api: string, operation: string, status: number, ms: number): void {
    const labels = { api, operation, status: String(status) };
    this.#requests.inc(labels);
    this.#requestSeconds.observe(labels, ms / 1000);
  }

  /** Any error a store call failed with; only the database's own count. */
  storeError(error: unknown): void {
    const failure = storeFailureOf(error);
    if (failure) this.#storeErrors.inc({ kind: failure.kind, code: failure.code });
  }

  /** The observer of the store's driver on `engine`: its series are taken here, once, so a statement costs a few additions. */
  database(engine: SqlDialect['name']): SqlObserver {
    let observer = this.#databases.get(engine);
    if (observer) return observer;
    const statements = {
      read: this.#statementSeconds.series({ engine, kind: 'read' }),
      write: this.#statementSeconds.series({ engine, kind: 'write' }),
      control: this.#statementSeconds.series({ engine, kind: 'control' }),
    };
    const transactions = {
      commit: this.#transactionSeconds.series({ engine, outcome: 'commit' }),
      rollback: this.#transactionSeconds.series({ engine, outcome: 'rollback' }),
    };
    const connectionWait = this.#connectionWaitSeconds.series({ engine });
    // Only PostgreSQL takes key locks (SQLite's transactions take turns at the writer already).
    const keyLockWait = engine === 'postgres' ? this.#lockWaitSeconds.series({ engine, lock: 'key' }) : undefined;
    const retries = this.#retries.labels({ engine, reason: 'read_only' });
    retries.inc(0);
    observer = {
      statement: (kind, ms) => statements[kind].observe(ms / 1000),
      transaction: (outcome, ms) => transactions[outcome].observe(ms / 1000),
      retried: () => retries.inc(),
      connectionWait: (ms) => connectionWait.observe(ms / 1000),
      keyLockWait: (ms) => keyLockWait?.observe(ms / 1000),
    };
    this.#databases.set(engine, observer);
    return observer;
  }

  /** Adds the gauges read from the store and its pool at scrape time. */
  watch(sources: MetricsSources): void {
    const registers = [this.registry];
    // Both job gauges are collected in the same scrape (the registry asks every metric at once):
    // they share one read of the tally. Unreadable (database down): no job series this time.
    let reading: Promise<readonly JobTally[] | undefined> | undefined;
    const tally = () => (reading ??= sources.jobTally()
      .catch((error: unknown) => void this.storeError(error))
      .finally(() => { reading = undefined; }));
    const jobs: Gauge<'kind' | 'state'> = new Gauge({
      name: 'trove_jobs',
      help: 'Jobs by kind and state: queued, running, retrying (waiting after a failed attempt), failed (gave up; kept for a while). On PostgreSQL every node reports the whole cluster.',
      labelNames: ['kind', 'state'], registers,
      collect: async () => {
        const rows = await tally();
        jobs.reset();
        if (!rows) return;
        for (const kind of sources.jobKinds) for (const state of JOB_STATES) jobs.set({ kind, state: state.toLowerCase() }, 0);
        for (const row of rows) jobs.set({ kind: row.kind, state: row.state.toLowerCase() }, row.count);
      },
    });
    const oldest: Gauge<'kind' | 'state'> = new Gauge({
      name: 'trove_jobs_oldest_age_seconds', help: 'Age of the oldest queued, running or retrying job, by kind and state.',
      labelNames: ['kind', 'state'], registers,
      collect: async () => {
        const rows = await tally();
        oldest.reset();
        const now = sources.now();
        for (const row of rows ?? []) {
          if (row.state !== 'FAILED') oldest.set({ kind: row.kind, state: row.state.toLowerCase() }, Math.max(0, (now - row.oldestCreatedAt) / 1000));
        }
      },
    });
    if (sources.poolStats() === undefined) return;
    const connections: Gauge<'state'> = new Gauge({
      name: 'trove_database_pool_connections', help: 'PostgreSQL connections of this node, busy or idle.',
      labelNames: ['state'], registers,
      collect: () => {
        const stats = sources.poolStats();
        if (!stats) return;
        connections.set({ state: 'busy' }, stats.total - stats.idle);
        connections.set({ state: 'idle' }, stats.idle);
      },
    });
    const max: Gauge = new Gauge({
      name: 'trove_database_pool_max', help: 'Connections this node may open at most (--database-pool-size).', registers,
      collect: () => max.set(sources.poolStats()?.max ?? 0),
    });
    const waiting: Gauge = new Gauge({
      name: 'trove_database_pool_waiting', help: 'Callers of this node waiting for a PostgreSQL connection.', registers,
      collect: () => waiting.set(sources.poolStats()?.waiting ?? 0),
    });
    const lockWaits = sources.lockWaits;
    if (!lockWaits) return;
    // Labelled by engine (PostgreSQL only) so that, unread, it has no sample at all rather than a 0.
    const locked: Gauge<'engine'> = new Gauge({
      name: 'trove_database_lock_waiting_sessions',
      help: 'Sessions of the database waiting for a lock (row, advisory or table locks; pg_stat_activity wait_event_type "Lock"), of every node. Absent from a scrape when no pooled connection was free to read it, or the read failed or took over a second.',
      labelNames: ['engine'], registers,
      collect: async () => {
        // Never fails the scrape: unreadable (no free connection, an error, a timeout) is no sample.
        const count = await lockWaits().catch(() => undefined);
        locked.reset();
        if (count !== undefined) locked.set({ engine: 'postgres' }, count);
      },
    });
  }

  started(job: JobRecord, now: number): void {
    // Later attempts wait on purpose (retry backoff): only the first tells how long the queue is.
    if (job.attempts === 1) this.#jobWait.observe({ kind: job.kind }, Math.max(0, now - job.createdAt) / 1000);
  }

  ended(job: JobRecord, outcome: JobAttemptOutcome, ms: number): void {
    this.#jobRun.observe({ kind: job.kind, outcome }, ms / 1000);
  }

  batchEnded(source: LineSource, result: IngestResult | undefined, rejection: BatchRejected | undefined): void {
    if (rejection) {
      this.#batches.inc({ source, outcome: 'rejected', code: rejection.code });
      // The whole batch is refused: every line of it is rejected, with the batch's code.
      if (result && result.lines > 0) {
        this.#lines.inc({ source, outcome: 'rejected' }, result.lines);
        this.#linesRejected.inc({ source, code: rejection.code }, result.lines);
      }
      return;
    }
    this.#batches.inc({ source, outcome: 'complete', code: 'SUCCESS' });
    if (!result) return;
    if (result.written > 0) this.#lines.inc({ source, outcome: 'accepted' }, result.written);
    if (result.dropped > 0) this.#lines.inc({ source, outcome: 'rejected' }, result.dropped);
    for (const [code, count] of Object.entries(result.droppedBy)) this.#linesRejected.inc({ source, code }, count);
    for (const [code, count] of Object.entries(result.errorsBy)) this.#lineErrors.inc({ source, code }, count);
  }

  imageChecked(outcome: ImageCheckOutcome): void {
    this.#imageChecks.inc({ outcome });
  }

  /** The exposition text, and its content type. */
  async text(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
