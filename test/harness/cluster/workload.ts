import type pg from 'pg';

/**
 * One client's share of the cluster test for one API. Each worker owns its resources, so the
 * order of its accepted requests is the order it sent them, and a serial replay of those is
 * the expected final state (rekognition-workload.ts, agentcore-workload.ts).
 */
export interface WorkloadWorker {
  readonly name: string;
  /** Creates the worker's resources (all nodes are still alive). */
  setup(): Promise<void>;
  /** One mutation, resolved to accepted or not (looking when its node died mid-request), then settled. */
  round(round: number): Promise<void>;
  /** The final state, read through the cluster, equals the serial replay of the accepted requests. */
  verify(db: pg.Client): Promise<void>;
  readonly counts: WorkloadCounts;
}

export interface WorkloadCounts {
  sent: number;
  accepted: number;
  /** Requests cut off by the killed node, resolved by looking at the data afterwards. */
  inDoubt: number;
}
