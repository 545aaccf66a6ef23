/** The parts of a SigV4 credential scope: `<access key>/<yyyymmdd>/<region>/<service>/aws4_request`. */
export interface CredentialScope {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
}

const AUTHORIZATION = /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request\s*,/;

/** The credential scope of an `Authorization: AWS4-HMAC-SHA256 ...` header, if it has one. */
export function parseCredentialScope(authorization: string | undefined): CredentialScope | undefined {
  const match = authorization ? AUTHORIZATION.exec(authorization) : null;
  if (!match) return undefined;
  const [, accessKeyId, date, region, service] = match;
  return { accessKeyId, date, region, service };
}
