// One button's (or one form's) call to the core: busy while it runs, the failure
// shown in Chinese when it throws, busy cleared whatever happens. A second press
// while the same action is still running is ignored, so a double click sends once;
// whatever arrives after the panel is gone is dropped.
import { useCallback, useEffect, useRef, useState } from 'react';
import { describeError } from './errors.ts';

export interface RunOptions {
  /** Names the run, for a panel whose buttons are busy one at a time (see `busyWith`). */
  tag?: string;
  /** Starts even while a run of the same tag is in flight (a fresh review after each change). */
  concurrent?: boolean;
  /** What only a failure needs (clear the password, close a confirmation), after the message is set. */
  onFailure?: (failure: unknown) => void;
}

export interface Action {
  /**
   * Runs `work`: clears the previous error, is busy until it settles, and shows its
   * failure instead of throwing it. Resolves true when `work` ran to its end; false
   * when it threw, or was not started because the same action is still running.
   */
  run: (work: () => Promise<unknown>, options?: RunOptions) => Promise<boolean>;
  /** Any run in flight. */
  busy: boolean;
  /** A run with this tag in flight. */
  busyWith: (tag: string) => boolean;
  /** The last failure, in Chinese; null when none or cleared. */
  error: string | null;
  /** Shows a failure that did not come from `run` (a list that failed to load). */
  showFailure: (failure: unknown) => void;
  clearError: () => void;
}

const UNTAGGED = '';

export function useAction(): Action {
  const [running, setRunning] = useState<readonly string[]>([]);
  const [error, setError] = useState<string | null>(null);
  // The tags in flight as of now: a second click can come before the re-render.
  const inFlight = useRef<readonly string[]>([]);
  const mounted = useRef(true);

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const run = useCallback(async (work: () => Promise<unknown>, options: RunOptions = {}) => {
    const tag = options.tag ?? UNTAGGED;
    if (!options.concurrent && inFlight.current.includes(tag)) return false;
    inFlight.current = [...inFlight.current, tag];
    setRunning(inFlight.current);
    setError(null);
    try {
      await work();
      return true;
    } catch (failure) {
      if (mounted.current) {
        setError(describeError(failure));
        options.onFailure?.(failure);
      }
      return false;
    } finally {
      const at = inFlight.current.indexOf(tag);
      inFlight.current = inFlight.current.filter((_, i) => i !== at);
      if (mounted.current) setRunning(inFlight.current);
    }
  }, []);

  const showFailure = useCallback((failure: unknown) => setError(describeError(failure)), []);
  const clearError = useCallback(() => setError(null), []);
  const busyWith = useCallback((tag: string) => running.includes(tag), [running]);

  return { run, busy: running.length > 0, busyWith, error, showFailure, clearError };
}
