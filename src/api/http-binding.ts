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
  /**
   * The body is a file the operation reads as it arrives (OperationContext.payload), never
   * buffered by the protocol, with no service body limit (the operation has its own). SigV4:
   * the request must carry the body's SHA-256 in x-amz-content-sha256 (signed); the signature is
   * checked against it before the body is read, and the body against it once read to the end.
   */
  readonly streamed?: boolean;
}
