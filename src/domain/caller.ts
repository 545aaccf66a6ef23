/** Who is calling: every resource is keyed by account and region, and ARNs carry both. */
export interface Caller {
  readonly account: string;
  readonly region: string;
}
