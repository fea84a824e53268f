// Sync's knobs for tests and benchmarks; the defaults are the product's.
import { DEFAULT_BACKOFF, systemTimers, type BackoffPolicy, type Timers } from './backoff.ts';
import type { SyncHooks } from './outbox-worker.ts';

/**
 * One PATCH per chunk, and between two the line idles for a round trip: 64 MiB (was
 * 16 MiB) keeps a 4 MiB/s, 100 ms line busy. A PATCH streams from the blob store, so the
 * size costs no memory, and a cut costs what was in flight (the inbox keeps the rest).
 */
export const DEFAULT_CHUNK_BYTES = 64 * 1024 * 1024;

export interface SyncOptions {
  timers?: Timers;
  random?: () => number;
  backoff?: Partial<BackoffPolicy>;
  /** tus chunk size. Default 64 MiB. */
  chunkBytes?: number;
  /** Files larger than this go to the bulk lane. Default 8 MiB. */
  bulkThresholdBytes?: number;
  /** Tasks the small lane runs at once (small files, PUTs, commits of different packets). Default 4. */
  smallLaneConcurrency?: number;
  /** Default 60 s. */
  leaseMs?: number;
  /** Abort an upload after this long without progress. Default 60 s. */
  stallMs?: number;
  /** Per JSON request (a long poll adds its wait). Default 30 s. */
  requestTimeoutMs?: number;
  /** Change-feed long-poll wait in seconds. Default 25. */
  pollWaitSeconds?: number;
  /** Pause between polls when waitSeconds is 0. Default 5 s. */
  pollIdleMs?: number;
  hooks?: SyncHooks;
  onBytesRead?: (bytes: number) => void;
}

export type ResolvedSyncOptions = Required<Omit<SyncOptions, 'hooks' | 'onBytesRead' | 'backoff'>> & {
  backoff: BackoffPolicy;
  hooks: SyncHooks | undefined;
  onBytesRead: ((bytes: number) => void) | undefined;
};

export function resolveSyncOptions(given: SyncOptions = {}): ResolvedSyncOptions {
  return {
    timers: given.timers ?? systemTimers,
    random: given.random ?? Math.random,
    backoff: { ...DEFAULT_BACKOFF, ...given.backoff },
    chunkBytes: given.chunkBytes ?? DEFAULT_CHUNK_BYTES,
    bulkThresholdBytes: given.bulkThresholdBytes ?? 8 * 1024 * 1024,
    smallLaneConcurrency: given.smallLaneConcurrency ?? 4,
    leaseMs: given.leaseMs ?? 60_000,
    stallMs: given.stallMs ?? 60_000,
    requestTimeoutMs: given.requestTimeoutMs ?? 30_000,
    pollWaitSeconds: given.pollWaitSeconds ?? 25,
    pollIdleMs: given.pollIdleMs ?? 5000,
    hooks: given.hooks,
    onBytesRead: given.onBytesRead,
  };
}
