/** Who is calling: every resource is keyed by account and region, and ARNs carry both. */
export interface Caller {
  readonly account: string;
  readonly region: string;
  /** The access key that signed the request, when known: recorded with the changes it makes (history). */
  readonly accessKeyId?: string;
}
