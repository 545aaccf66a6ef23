/**
 * A pair of byte caps on something the store keeps for callers (staged uploads, failed jobs'
 * kept requests): per account, and for the whole store (every account's data shares one disk).
 */
export interface ByteCaps {
  readonly perAccount: number;
  readonly total: number;
}

/** The cap that adding bytes would pass: which one, its limit, and what was counted already. */
export interface CapPassed {
  readonly cap: 'account' | 'store';
  readonly limit: number;
  readonly used: number;
}

