// The signed-in key pair lives in this tab's sessionStorage only: it is used to sign requests in
// the browser and is never sent to Trove (SigV4 sends signatures, not secrets).

export interface Session {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly region: string;
}

const KEY = 'trove.console.session';

export function loadSession(): Session | undefined {
  try {
    const value: unknown = JSON.parse(sessionStorage.getItem(KEY) ?? 'null');
    if (typeof value !== 'object' || value === null) return undefined;
    const { accessKeyId, secretAccessKey, region } = value as Record<string, unknown>;
    if (typeof accessKeyId === 'string' && typeof secretAccessKey === 'string' && typeof region === 'string') {
      return { accessKeyId, secretAccessKey, region };
    }
  } catch {
    // A damaged entry is the same as none.
  }
  return undefined;
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}
