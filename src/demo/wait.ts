/** Polls `check` every 50 ms until it returns a value, or fails after `timeoutMs` naming `what`. */
export async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The error's name when the SDK threw the named modelled error (e.g. ResourceNotFoundException). */
export function isError(error: unknown, name: string): boolean {
  return (error as { name?: string } | undefined)?.name === name;
}

/** Waits until `read` answers ResourceNotFoundException: a deletion has finished. */
export async function untilGone(what: string, read: () => Promise<unknown>): Promise<void> {
  await until(what, () => read().then(() => undefined, (error: unknown) => {
    if (isError(error, 'ResourceNotFoundException')) return true;
    throw error;
  }));
}
