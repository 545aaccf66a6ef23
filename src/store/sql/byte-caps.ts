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

/** Undefined when `bytes` more fit beside what is `used` (the account's, everyone's), else the first cap passed. */
export function countUnderCaps(bytes: number, used: { mine: number; total: number }, caps: ByteCaps): CapPassed | undefined {
  if (used.mine + bytes > caps.perAccount) return { cap: 'account', limit: caps.perAccount, used: used.mine };
  if (used.total + bytes > caps.total) return { cap: 'store', limit: caps.total, used: used.total };
  return undefined;
}
