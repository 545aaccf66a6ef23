/** Who is calling: every resource is keyed by account and region, and ARNs carry both. */
export interface Caller {
  readonly account: string;
  readonly region: string;
  /**
   * The access key that signed the request, when known: reads of s3:// objects are checked
   * against its allow-lists and the account's bucket grants, also later in the request's job;
   * history records it with the changes the request makes.
   */
  readonly accessKeyId?: string;
}
