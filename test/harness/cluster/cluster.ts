import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnTrove } from '../process.js';
import { TEST_MASTER_KEY } from '../server.js';
import type { TroveProcess } from '../process.js';

/** One `bin/trove serve` process of a cluster. */
export interface ClusterNode {
  readonly index: number;
  readonly url: string;
  readonly pid: number;
  readonly process: TroveProcess;
}

/** Several real Trove processes on one PostgreSQL database. */
export interface Cluster {
  readonly nodes: readonly ClusterNode[];
  stop(): Promise<void>;
}

/**
 * Starts `count` nodes on `databaseUrl` at the same time (they race through migrations under
 * the advisory lock), with a short job lease so a killed node's jobs are taken over quickly.
 */
export async function startCluster(count: number, databaseUrl: string, extraArgs: string[] = []): Promise<Cluster> {
  const args = ['--database-url', databaseUrl, '--database-pool-size', '6', '--job-lease-ms', '2000', '--job-poll-ms', '100', ...extraArgs];
  // Nodes of one database share the master key that encrypts its stored credentials; each has
  // its own (otherwise unused) data directory, as separate machines would.
  const dirs = Array.from({ length: count }, () => mkdtempSync(join(tmpdir(), 'trove-node-')));
  const started = await Promise.allSettled(dirs.map((dir) => spawnTrove([...args, '--data-dir', dir], { TROVE_MASTER_KEY: TEST_MASTER_KEY })));
  const processes = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) {
    await Promise.all(processes.map((p) => p.stop('SIGKILL')));
    throw failed.reason;
  }
  const nodes = processes.map((process, index) => ({ index, url: process.url, pid: process.child.pid!, process }));
  return {
    nodes,
    async stop() {
      await Promise.all(nodes.map((node) => node.process.stop('SIGTERM')));
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** What became of a request sent through the balancer. */
export type Outcome<T> =
  | { readonly kind: 'answered'; readonly value: T }
  | { readonly kind: 'refused'; readonly error: unknown }
  /** The connection broke before an answer (its node died): the request may or may not have been applied. */
  | { readonly kind: 'in-doubt'; readonly error: unknown };

/** True for an error that never reached an HTTP answer (refused, reset, hung up). */
export function isNetworkError(error: unknown): boolean {
  const metadata = (error as { $metadata?: { httpStatusCode?: number } }).$metadata;
  return metadata?.httpStatusCode === undefined;
}

/**
 * A client-side round-robin load balancer with passive health checks (like an nginx upstream
 * with max_fails): each request goes to the next node; a node whose connection fails is
 * skipped from then on. Reads are retried on the next node; a mutation cut off by a dying
 * node is reported as in doubt, for the caller to resolve by looking.
 */
export class Balancer<C> {
  #next = 0;
  readonly #down = new Set<number>();
  #armed: { index: number; fire: () => void } | undefined;

  constructor(private readonly clients: readonly C[]) {}

  async read<T>(fn: (client: C) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const index = this.#pick();
      try {
        return await fn(this.clients[index]);
      } catch (error) {
        if (!isNetworkError(error) || attempt >= this.clients.length * 2) throw error;
        this.#down.add(index);
      }
    }
  }

  /**
   * Routes the next mutation to node `index` and runs `action` (e.g. kill -9 of that node) while
   * that request is in flight, `delayMs` after sending it: the request's fate is then genuinely
   * unknown to its client. Resolves with what `action` resolved.
   */
  duringNextMutation<T>(index: number, action: () => Promise<T>, delayMs: number): Promise<T> {
    return new Promise((resolve, reject) => {
      this.#armed = { index, fire: () => setTimeout(() => action().then(resolve, reject), delayMs) };
    });
  }

  /** An action armed by duringNextMutation that no mutation picked up: run it now. */
  fireArmed(): void {
    const armed = this.#armed;
    this.#armed = undefined;
    armed?.fire();
  }

  async mutate<T>(fn: (client: C) => Promise<T>): Promise<Outcome<T>> {
    const armed = this.#armed;
    this.#armed = undefined;
    const index = armed ? armed.index : this.#pick();
    try {
      const answer = fn(this.clients[index]);
      armed?.fire();
      return { kind: 'answered', value: await answer };
    } catch (error) {
      if (!isNetworkError(error)) return { kind: 'refused', error };
      this.#down.add(index);
      return { kind: 'in-doubt', error };
    }
  }

  #pick(): number {
    for (let i = 0; i < this.clients.length; i++) {
      const index = this.#next++ % this.clients.length;
      if (!this.#down.has(index)) return index;
    }
    throw new Error('every node is down');
  }
}
