// What the core needs from the host it runs in. The Electron shell and the browser
// host each implement these; the core never learns which one it has.

/** Holds the 32-byte master key from which database and blob keys are derived. */
export interface KeyProvider {
  /** For messages to installers, e.g. "Electron safeStorage" or "key file ~/.../master.key". */
  readonly description: string;
  /** The stored master key, or null when none has been created yet. */
  load(): Buffer | null;
  /** Creates, stores and returns a new master key. Refuses when one exists. */
  create(): Buffer;
}

export type HostKind = 'electron' | 'browser';

export interface Platform {
  host: HostKind;
  keys: KeyProvider;
}

import type { Clock } from '../common/hall-time.ts';

export type { Clock } from '../common/hall-time.ts';

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
};
