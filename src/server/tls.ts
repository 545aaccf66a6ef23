import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import type { Server as TlsServer } from 'node:tls';
import { assertPrivateFile } from '../lib/private-file.js';

/** A certificate chain and its private key, PEM, as node:https takes them. */
export interface TlsFiles {
  readonly cert: Buffer;
  readonly key: Buffer;
}

/**
 * Reads `--tls-cert` and `--tls-key` for serving HTTPS, or undefined when neither is given.
 * Refuses, in one line each: only one of the two, a key file other users can read, and a pair
 * Node cannot use (not PEM, or a key that does not match the certificate).
 */
export function loadTls(files: { readonly certFile?: string; readonly keyFile?: string }): TlsFiles | undefined {
  if (files.certFile === undefined && files.keyFile === undefined) return undefined;
  if (files.certFile === undefined || files.keyFile === undefined) {
    throw new Error('--tls-cert and --tls-key (TROVE_TLS_CERT, TROVE_TLS_KEY) go together: give both to serve HTTPS, or neither.');
  }
  assertPrivateFile(files.keyFile, 'The TLS key file');
  const tls = { cert: readFileSync(files.certFile), key: readFileSync(files.keyFile) };
  try {
    createSecureContext(tls);
  } catch (error) {
    throw new Error(`The TLS certificate ${files.certFile} and key ${files.keyFile} cannot be used together: ${(error as Error).message}`);
  }
  return tls;
}

/** The SHA-256 fingerprint of the (first) certificate, as `openssl x509 -fingerprint -sha256` prints it: names it in logs. */
export function certificateFingerprint(tls: TlsFiles): string {
  return new X509Certificate(tls.cert).fingerprint256;
}

/**
 * Reads the certificate and key files again and makes them the server's for every TLS handshake
 * from now on (a renewed certificate, without a restart). Connections already open keep the
 * session they negotiated. Throws, changing nothing, when the new files cannot be used.
 */
export function reloadTls(server: TlsServer, files: { readonly certFile?: string; readonly keyFile?: string }): TlsFiles {
  const tls = loadTls(files);
  if (!tls) throw new Error('TLS is not configured.');
  server.setSecureContext(tls);
  return tls;
}
