/**
 * How one restJson1 operation sits on HTTP (Smithy `@http`, `@httpLabel`, `@httpQuery`):
 * method, URI template with `{label}`s, query members, success code.
 */
export interface HttpBinding {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly uri: string;
  /** Input member → query parameter name. */
  readonly query?: Readonly<Record<string, string>>;
  /** 204 answers with no body (TagResource, UntagResource). */
  readonly code: 200 | 202 | 204;
  /**
   * Smithy `@httpPayload` on a blob member: the whole body is this member's bytes, sent as they
   * are (any Content-Type), instead of a JSON document.
   */
  readonly payload?: string;
  /** Largest body of this operation, bytes, when it differs from its service's; the URI must have no labels. */
  readonly bodyLimit?: number;
}
