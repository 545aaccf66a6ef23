import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { Agent, createServer, request as httpsRequest } from 'node:https';
import type { Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** True where the `openssl` command exists (it makes the test certificates). */
export const OPENSSL = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

export interface TestCertificate {
  readonly certFile: string;
  /** Mode 0600, as Trove requires. */
  readonly keyFile: string;
  readonly cert: Buffer;
  readonly key: Buffer;
  /** An agent that trusts this certificate (and nothing else), for the SDKs' https requests. */
  readonly agent: Agent;
  dispose(): void;
}

/** A fresh self-signed certificate for 127.0.0.1 and localhost, made with `openssl` in a temp dir. */
export function selfSignedCertificate(): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'trove-tls-'));
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', keyFile, '-out', certFile,
  ], { stdio: 'ignore' });
  chmodSync(keyFile, 0o600);
  const cert = readFileSync(certFile);
  const agent = new Agent({ ca: cert, keepAlive: false });
  return {
    certFile, keyFile, cert, key: readFileSync(keyFile), agent,
    dispose() {
      agent.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** GET over https with the certificate's agent: status and body text. */
export function httpsGet(url: string, agent: Agent): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    httpsRequest(url, { agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    }).on('error', reject).end();
  });
}

export interface TlsProxy {
  /** https://127.0.0.1:<port> */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * A TLS-terminating reverse proxy in front of a plain-HTTP server, as nginx with
 * `proxy_set_header Host $http_host` and the X-Forwarded-* headers would be: it passes Host
 * through unchanged (SigV4 signs it), adds X-Forwarded-Proto/-Host/-For, and connects to the
 * target from `localAddress` (a loopback address of its own, so the target can tell it apart).
 */
export async function startTlsProxy(options: { target: string; cert: Buffer; key: Buffer; localAddress?: string }): Promise<TlsProxy> {
  const target = new URL(options.target);
  const server: Server = createServer({ cert: options.cert, key: options.key }, (incoming, outgoing) => {
    const headers: IncomingHttpHeaders = {
      ...incoming.headers,
      'x-forwarded-proto': 'https',
      'x-forwarded-host': incoming.headers.host,
      'x-forwarded-for': incoming.socket.remoteAddress,
    };
    const upstream = httpRequest({
      host: target.hostname, port: Number(target.port), method: incoming.method, path: incoming.url, headers, localAddress: options.localAddress, setHost: false,
    }, (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    });
    upstream.on('error', () => outgoing.destroy());
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `https://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
