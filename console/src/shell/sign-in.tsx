import { ListDatasetsCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import { DescribeProjectsCommand } from '@aws-sdk/client-rekognition';
import type { FormEvent } from 'react';
import { useEffect, useState } from 'react';
import { createClients } from '../lib/clients.js';
import { errorText, isAuthError } from '../lib/errors.js';
import { REGIONS } from '../lib/regions.js';
import { lastRegion } from '../lib/session.js';
import type { Session } from '../lib/session.js';

export interface ConsoleConfig {
  localPair: { accessKeyId: string; secretAccessKey: string } | null;
  defaultRegion: string;
  /** The largest file the console's import may send (UploadDatasetImport); absent from older servers. */
  importUploadMaxBytes?: number;
}

/** What Trove tells the sign-in page (GET /_trove/console/config.json); undefined when it cannot be read. */
export async function fetchConsoleConfig(): Promise<ConsoleConfig | undefined> {
  try {
    return (await (await fetch('/_trove/console/config.json')).json()) as ConsoleConfig;
  } catch {
    return undefined;
  }
}

/**
 * Sign-in with an access key pair. On a loopback Trove with no credentials created, the local
 * pair (test/test) is filled in. The pair is checked by calling the APIs with it: a key that is
 * unknown, disabled or mistyped is refused by Trove's SigV4 check, and said so here.
 */
export function SignIn({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [accessKeyId, setAccessKeyId] = useState('');
  const [secretAccessKey, setSecretAccessKey] = useState('');
  const [region, setRegion] = useState(lastRegion() ?? '');
  const [localPair, setLocalPair] = useState(false);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void fetchConsoleConfig().then((config) => {
      setRegion((current) => current || (config?.defaultRegion ?? 'us-east-1'));
      if (config?.localPair) {
        setLocalPair(true);
        setAccessKeyId((current) => current || config.localPair!.accessKeyId);
        setSecretAccessKey((current) => current || config.localPair!.secretAccessKey);
      }
    });
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    const session = { accessKeyId: accessKeyId.trim(), secretAccessKey, region: region.trim() };
    const clients = createClients(session);
    // Either API accepting the signature proves the pair; an allow-list may still deny one of them.
    const results = await Promise.allSettled([
      clients.rekognition.send(new DescribeProjectsCommand({ MaxResults: 1 })),
      clients.agentcore.send(new ListDatasetsCommand({ maxResults: 1 })),
    ]);
    clients.rekognition.destroy();
    clients.agentcore.destroy();
    setBusy(false);
    const refused = results.find((r): r is PromiseRejectedResult => r.status === 'rejected' && isAuthError(r.reason));
    if (refused) return setError(errorText(refused.reason));
    if (results.every((r) => r.status === 'rejected')) return setError(errorText((results[0] as PromiseRejectedResult).reason));
    onSignedIn(session);
  };

  return (
    <main id="main" className="sign-in">
      <form onSubmit={(event) => void submit(event)} aria-describedby={localPair ? 'local-pair-note' : undefined}>
        <h1>Sign in to Trove</h1>
        <p className="muted">The console reads your datasets through the same AWS APIs as your code, signed in this browser with your key pair.</p>
        {localPair && (
          <p id="local-pair-note" className="note">
            This Trove listens on a loopback address and has no credentials yet, so the local pair <code>test</code> / <code>test</code> is filled in.
          </p>
        )}
        <label>
          Access key ID
          <input name="accessKeyId" value={accessKeyId} onChange={(e) => setAccessKeyId(e.target.value)} autoComplete="username" required spellCheck={false} />
        </label>
        <label>
          Secret access key
          <input name="secretAccessKey" type="password" value={secretAccessKey} onChange={(e) => setSecretAccessKey(e.target.value)} autoComplete="current-password" required />
        </label>
        <label>
          Region
          <input name="region" value={region} onChange={(e) => setRegion(e.target.value)} list="regions" required pattern="[a-z0-9]+(-[a-z0-9]+)*" spellCheck={false} />
          <datalist id="regions">{REGIONS.map(([code, name]) => <option key={code} value={code}>{name}</option>)}</datalist>
        </label>
        {error && <p role="alert" className="error-text">{error}</p>}
        <button type="submit" className="primary" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
        <p className="muted small">The key pair stays in this browser's tabs (sessionStorage, shared with other open console tabs) and is never sent to the server; requests carry only signatures.</p>
      </form>
    </main>
  );
}
