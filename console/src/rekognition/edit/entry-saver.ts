// How the console saves edited entries: every save is one UpdateDatasetEntries of the edited
// lines (through Trove's UpdateDatasetEntriesIfUnchanged when the key may call it, so a line
// changed by someone else since it was read stops the save instead of being overwritten). Saves
// run one after the other: a dataset takes one change at a time (ResourceInUseException while
// UPDATE_IN_PROGRESS), so a save first waits for the dataset to settle, then follows it through
// UPDATE_IN_PROGRESS and reads the saved entries back with the errors the update produced.
// Pure: the calls are a port (use-entry-saver.ts wires the SDK); unit-tested with fakes.

import { entryVersion } from './entry-version.js';

export interface Edit {
  readonly sourceRef: string;
  /** The line to send. */
  readonly line: string;
  /** The line as it was listed when the edit began (its version is the condition); undefined: a new entry. */
  readonly base: string | undefined;
}

export interface Expectation {
  readonly sourceRef: string;
  readonly version?: string;
  readonly absent?: true;
}

/** An entry that changed since it was read: what it is now (null: it is gone). */
export interface Conflict {
  readonly sourceRef: string;
  readonly current: { readonly version: string; readonly line?: string } | null;
}

export interface DatasetState {
  readonly status: string | undefined;
  readonly message?: string;
}

export interface SaverPort {
  describe(): Promise<DatasetState>;
  /** UpdateDatasetEntriesIfUnchanged; throws an error named ConditionalCheckFailedException with `conflicts`. */
  updateIfUnchanged(lines: readonly string[], expected: readonly Expectation[]): Promise<void>;
  /** UpdateDatasetEntries. */
  update(lines: readonly string[]): Promise<void>;
  /** The listed lines of these entries (absent: no such entry), read after the update. */
  readBack(sourceRefs: readonly string[]): Promise<ReadonlyMap<string, string>>;
  sleep(ms: number): Promise<void>;
}

export type SavePhase = 'waiting' | 'sending' | 'updating' | 'reading';

export type SaveResult =
  /**
   * Accepted and applied: the dataset's final status, and each saved entry as listed now (absent:
   * dropped by the update) when `readBack` (false: more entries than `readBackLimit`, none read).
   */
  | { readonly kind: 'saved'; readonly status: string | undefined; readonly message?: string; readonly lines: ReadonlyMap<string, string>; readonly readBack: boolean; readonly checked: boolean }
  /** Refused: these entries changed since they were read. Nothing was changed. */
  | { readonly kind: 'conflict'; readonly conflicts: readonly Conflict[] }
  | { readonly kind: 'failed'; readonly error: unknown };

export interface SaverOptions {
  /** Use the conditional write (the key may call trove:UpdateDatasetEntriesIfUnchanged). */
  readonly conditional: boolean;
  readonly pollMs?: number;
  /** Entries read back after a save at most (a bulk change is summed up instead). */
  readonly readBackLimit?: number;
}

const BUSY = new Set(['ResourceInUseException', 'ConflictException']);

export class EntrySaver {
  #queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly port: SaverPort, private readonly options: SaverOptions) {}

  get conditional(): boolean {
    return this.options.conditional;
  }

  /** Saves `edits` once every earlier save has finished. */
  save(edits: readonly Edit[], onPhase: (phase: SavePhase) => void = () => undefined): Promise<SaveResult> {
    const run = this.#queue.then(() => this.#save(edits, onPhase));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #save(edits: readonly Edit[], onPhase: (phase: SavePhase) => void): Promise<SaveResult> {
    const poll = this.options.pollMs ?? 400;
    try {
      const expected = await Promise.all(edits.map(async (edit): Promise<Expectation> =>
        (edit.base === undefined ? { sourceRef: edit.sourceRef, absent: true } : { sourceRef: edit.sourceRef, version: await entryVersion(edit.base) })));
      const lines = edits.map((edit) => edit.line);
      for (let attempt = 0; ; attempt++) {
        await this.#settled(onPhase, poll);
        onPhase('sending');
        try {
          if (this.options.conditional) await this.port.updateIfUnchanged(lines, expected);
          else await this.port.update(lines);
          break;
        } catch (error) {
          const name = (error as Error).name;
          if (name === 'ConditionalCheckFailedException') return { kind: 'conflict', conflicts: conflictsOf(error) };
          // Another change got in first: wait for it, then try again.
          if (!BUSY.has(name) || attempt >= 20) throw error;
        }
      }
      onPhase('updating');
      const state = await this.#settled(() => undefined, poll);
      const refs = edits.map((edit) => edit.sourceRef);
      let read: ReadonlyMap<string, string> = new Map();
      const readBack = refs.length <= (this.options.readBackLimit ?? 50);
      if (readBack) {
        onPhase('reading');
        read = await this.port.readBack(refs);
      }
      return { kind: 'saved', status: state.status, message: state.message, lines: read, readBack, checked: this.options.conditional };
    } catch (error) {
      return { kind: 'failed', error };
    }
  }

  async #settled(onPhase: (phase: SavePhase) => void, poll: number): Promise<DatasetState> {
    for (;;) {
      const state = await this.port.describe();
      if (!state.status?.endsWith('_IN_PROGRESS')) return state;
      onPhase('waiting');
      await this.port.sleep(poll);
    }
  }
}

function conflictsOf(error: unknown): Conflict[] {
  const conflicts = (error as { body?: { conflicts?: unknown } }).body?.conflicts;
  return Array.isArray(conflicts) ? (conflicts as Conflict[]) : [];
}
