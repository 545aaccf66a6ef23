// Where the console keeps the signed-in key pair (docs/security.md): this tab's sessionStorage,
// and other open console tabs of the same browser get it over a BroadcastChannel when they ask
// (in memory, same origin only), so a new tab is signed in while any console tab is. It is used to
// sign requests in the browser and never sent to Trove (SigV4 sends signatures, not secrets).
// Only non-secrets go to localStorage (the last region, the theme, display choices).

export interface Session {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly region: string;
}

const KEY = 'trove.console.session';
const SIGNED_OUT = 'trove.console.signed-out';
const REGION = 'trove.console.region';
const CHANNEL = 'trove.console.session';

type Message = { kind: 'ask' } | { kind: 'session'; session: Session } | { kind: 'sign-out' };

function parse(value: unknown): Session | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { accessKeyId, secretAccessKey, region } = value as Record<string, unknown>;
  return typeof accessKeyId === 'string' && typeof secretAccessKey === 'string' && typeof region === 'string' ? { accessKeyId, secretAccessKey, region } : undefined;
}

export function loadSession(): Session | undefined {
  try {
    return parse(JSON.parse(sessionStorage.getItem(KEY) ?? 'null'));
  } catch {
    return undefined; // A damaged entry is the same as none.
  }
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(session));
  sessionStorage.removeItem(SIGNED_OUT);
  localStorage.setItem(REGION, session.region);
}

/** Signs this tab and every other console tab out. */
export function clearSession(): void {
  sessionStorage.removeItem(KEY);
  sessionStorage.setItem(SIGNED_OUT, '1');
  const channel = new BroadcastChannel(CHANNEL);
  channel.postMessage({ kind: 'sign-out' } satisfies Message);
  channel.close();
}

/** True after Sign out in this tab: the local pair is then not used by itself. */
export function signedOutHere(): boolean {
  return sessionStorage.getItem(SIGNED_OUT) === '1';
}

/** The region last signed in with in this browser (not a secret), for the sign-in form. */
export function lastRegion(): string | undefined {
  return localStorage.getItem(REGION) ?? undefined;
}

/** Asks the other open console tabs for their session; undefined when none answers in time. */
export function askOtherTabs(timeoutMs = 300): Promise<Session | undefined> {
  return new Promise((resolve) => {
    const channel = new BroadcastChannel(CHANNEL);
    const done = (session: Session | undefined) => {
      clearTimeout(timer);
      channel.close();
      resolve(session);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    channel.onmessage = (event: MessageEvent<Message>) => {
      if (event.data.kind === 'session') done(parse(event.data.session));
    };
    channel.postMessage({ kind: 'ask' } satisfies Message);
  });
}

/** While signed in: answers other tabs that ask, and follows a sign-out in any tab. Returns the stop function. */
export function shareSession(current: () => Session | undefined, onSignedOut: () => void): () => void {
  const channel = new BroadcastChannel(CHANNEL);
  channel.onmessage = (event: MessageEvent<Message>) => {
    const session = current();
    if (event.data.kind === 'ask' && session) channel.postMessage({ kind: 'session', session } satisfies Message);
    if (event.data.kind === 'sign-out') {
      sessionStorage.removeItem(KEY);
      sessionStorage.setItem(SIGNED_OUT, '1');
      onSignedOut();
    }
  };
  return () => channel.close();
}
