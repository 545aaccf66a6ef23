import { useCallback, useEffect, useRef, useState } from 'react';
import { isAbort } from './errors.js';

export interface AsyncState<T> {
  readonly data?: T;
  readonly error?: unknown;
  readonly loading: boolean;
  reload(): void;
}

/** Runs `load` when `deps` change (only then: `load` itself is a new closure on every render); a newer run cancels the older one's result. */
export function useAsync<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[]): AsyncState<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    setState((previous) => ({ data: previous.data, loading: true }));
    load(controller.signal).then(
      (data) => !controller.signal.aborted && setState({ data, loading: false }),
      (error: unknown) => !controller.signal.aborted && !isAbort(error) && setState({ error, loading: false }),
    );
    return () => controller.abort();
  }, [...deps, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...state, reload };
}

/**
 * Calls `poll` now and then again after `delay(result)` ms (undefined: stop), while the page is
 * visible. Used for live statuses: fast while something is in progress, slow otherwise. New `deps`
 * start from nothing (another thing is polled); `reload()` keeps what is shown until the answer
 * comes (a page reloading its dataset after a save must not blank its head or unmount its grid).
 */
export function usePolling<T>(poll: (signal: AbortSignal) => Promise<T>, delay: (result: T | undefined) => number | undefined, deps: readonly unknown[]): AsyncState<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [generation, setGeneration] = useState(0);
  const delayRef = useRef(delay);
  delayRef.current = delay;
  const polled = useRef<readonly unknown[] | undefined>(undefined);
  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const same = polled.current !== undefined && polled.current.length === deps.length && deps.every((dep, i) => Object.is(dep, polled.current![i]));
    polled.current = deps;
    setState((previous) => (same ? { data: previous.data, loading: true } : { loading: true }));
    const run = async () => {
      let result: T | undefined;
      try {
        result = await poll(controller.signal);
        if (!controller.signal.aborted) setState({ data: result, loading: false });
      } catch (error) {
        if (controller.signal.aborted || isAbort(error)) return;
        setState((previous) => ({ data: previous.data, error, loading: false }));
      }
      const next = delayRef.current(result);
      if (next !== undefined && !controller.signal.aborted) timer = setTimeout(whenVisible, next);
    };
    const whenVisible = () => {
      if (document.visibilityState === 'visible') void run();
      else document.addEventListener('visibilitychange', () => void run(), { once: true, signal: controller.signal });
    };
    void run();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [...deps, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...state, reload };
}

/** `value`, changed only once it has stayed the same for `ms` (typing in a search box). */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}
