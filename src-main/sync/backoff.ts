// When to try again: exponential backoff with full jitter (a random delay between
// zero and the exponential ceiling, so many windows coming back after an outage do
// not hit the department in step), capped at 15 minutes, and the department's
// Retry-After honoured whenever it gives one. Timers are injectable so tests drive
// the worker's schedule deterministically.

export const MAX_BACKOFF_MS = 15 * 60_000;
/** A Retry-After beyond this is treated as this (a misconfigured proxy must not park packets for days). */
export const MAX_RETRY_AFTER_MS = 60 * 60_000;
/** Keeps a run of near-zero random draws from turning into a busy loop. */
const MIN_DELAY_MS = 100;

export interface BackoffPolicy {
  /** Ceiling of the first retry; doubles per failed attempt. Default 1000. */
  baseMs: number;
  /** Default 15 minutes. */
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1000, capMs: MAX_BACKOFF_MS };

/** Delay before attempt `failures + 1`, given `failures` ≥ 1 consecutive failures. */
export function backoffDelay(failures: number, random: () => number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  const exponent = Math.min(Math.max(failures, 1) - 1, 30);
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** exponent);
  return Math.max(MIN_DELAY_MS, Math.floor(random() * ceiling));
}

/**
 * Retry-After in milliseconds from now: delta-seconds or an HTTP date. Undefined when
 * absent or unreadable (then the jittered backoff applies).
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Math.min(Number(text) * 1000, MAX_RETRY_AFTER_MS);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(0, at - now), MAX_RETRY_AFTER_MS);
}

/** The scheduling half of the platform, injectable so tests move time by hand. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemTimers: Timers = {
  setTimeout(callback, ms) {
    const handle = setTimeout(callback, ms);
    // Sync never keeps a process alive on its own; the host decides when to exit.
    handle.unref();
    return handle;
  },
  clearTimeout(handle) {
    clearTimeout(handle as NodeJS.Timeout);
  },
};

/** Resolves after `ms` on the given timers, or at once when the signal aborts. */
export function sleep(timers: Timers, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      timers.clearTimeout(handle);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const handle = timers.setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
