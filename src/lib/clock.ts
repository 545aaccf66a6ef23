/** Time source, injected everywhere a rule depends on "now" so tests can move it. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** AWS JSON protocols carry timestamps as epoch seconds (fractions allowed). */
export function toEpochSeconds(ms: number): number {
  return ms / 1000;
}
