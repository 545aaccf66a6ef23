/** Thrown by `withDeadline` when the work did not settle in time. */
export class DeadlineExceeded extends Error {
  constructor(readonly ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = 'DeadlineExceeded';
  }
}

/**
 * `work`, or DeadlineExceeded after `ms`. The work itself cannot be cancelled (a file system call
 * stuck in libuv's thread pool stays stuck), so whatever it yields late is handed to `late`
 * (e.g. to close a file handle that opened after its caller gave up).
 */
export async function withDeadline<T>(work: Promise<T>, ms: number, late?: (value: T) => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let expired = false;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      expired = true;
      reject(new DeadlineExceeded(ms));
    }, ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
    if (expired) work.then((value) => late?.(value), () => undefined);
  }
}
