// Who is signed in on the approver page, and who may try to sign in. Both live in
// memory: a restart of the inbox signs everyone out (the page says so) and forgets
// failed attempts. Expired sessions and stale attempt records are dropped — when
// looked up, at every sign-in, and on a timer — so neither map grows without bound.
import { randomBytes } from 'node:crypto';

export interface ApproverSession {
  approver: string;
  csrf: string;
  expires: number;
}

export class ApproverSessions {
  readonly #sessions = new Map<string, ApproverSession>();

  constructor(
    private readonly now: () => number,
    readonly ttlMs: number,
  ) {}

  /** A new session for `approver`; also drops every expired one. Returns the cookie value. */
  create(approver: string): { id: string; session: ApproverSession } {
    this.prune();
    const id = randomBytes(32).toString('base64url');
    const session = { approver, csrf: randomBytes(24).toString('base64url'), expires: this.now() + this.ttlMs };
    this.#sessions.set(id, session);
    return { id, session };
  }

  /** The live session behind a cookie value; an expired one is dropped and not returned. */
  get(id: string): ApproverSession | undefined {
    const found = this.#sessions.get(id);
    if (found && found.expires <= this.now()) {
      this.#sessions.delete(id);
      return undefined;
    }
    return found;
  }

  delete(id: string): void {
    this.#sessions.delete(id);
  }

  /** Drops expired sessions; returns how many went. */
  prune(): number {
    const now = this.now();
    let dropped = 0;
    for (const [id, session] of this.#sessions) {
      if (session.expires <= now) {
        this.#sessions.delete(id);
        dropped += 1;
      }
    }
    return dropped;
  }

  /** Sessions held, expired ones not yet dropped included. */
  get size(): number {
    return this.#sessions.size;
  }
}

export interface ThrottlePolicy {
  /** Failures allowed before the first lockout. */
  freeFailures: number;
  /** The first lockout; each further failure doubles it, up to `maxLockMs`. */
  baseLockMs: number;
  maxLockMs: number;
  /** Failures are forgotten this long after the last one. */
  forgetAfterMs: number;
  /** Most keys remembered (the oldest go first): a flood of addresses cannot exhaust memory. */
  maxKeys: number;
}

export const DEFAULT_THROTTLE: ThrottlePolicy = {
  freeFailures: 5,
  baseLockMs: 30_000,
  maxLockMs: 15 * 60_000,
  forgetAfterMs: 24 * 3600_000,
  maxKeys: 10_000,
};

interface Attempts {
  failures: number;
  lastFailure: number;
  lockedUntil: number;
}

/**
 * Failed sign-ins counted per key (the remote address). After `freeFailures` failures a
 * key is locked for `baseLockMs`, doubled by each failure after that; while locked, no
 * token is even looked at. A success clears the key.
 */
export class LoginThrottle {
  readonly #attempts = new Map<string, Attempts>();

  constructor(
    private readonly now: () => number,
    private readonly policy: ThrottlePolicy = DEFAULT_THROTTLE,
  ) {}

  /** Milliseconds the key stays locked, or 0 when it may try. */
  lockedFor(key: string): number {
    const found = this.#current(key);
    return found ? Math.max(0, found.lockedUntil - this.now()) : 0;
  }

  failed(key: string): void {
    const now = this.now();
    const found = this.#current(key) ?? { failures: 0, lastFailure: now, lockedUntil: 0 };
    found.failures += 1;
    found.lastFailure = now;
    const over = found.failures - this.policy.freeFailures;
    if (over >= 0) {
      found.lockedUntil = now + Math.min(this.policy.maxLockMs, this.policy.baseLockMs * 2 ** Math.min(over, 30));
    }
    // Re-inserted, so the map's order is the order of last failure (the oldest go first).
    this.#attempts.delete(key);
    this.#attempts.set(key, found);
    while (this.#attempts.size > this.policy.maxKeys) {
      this.#attempts.delete(this.#attempts.keys().next().value as string);
    }
  }

  succeeded(key: string): void {
    this.#attempts.delete(key);
  }

  /** Drops what is forgotten and no longer locked; returns how many keys went. */
  prune(): number {
    let dropped = 0;
    for (const key of [...this.#attempts.keys()]) {
      if (this.#current(key) === undefined) dropped += 1;
    }
    return dropped;
  }

  get size(): number {
    return this.#attempts.size;
  }

  #current(key: string): Attempts | undefined {
    const found = this.#attempts.get(key);
    if (!found) return undefined;
    const now = this.now();
    if (found.lockedUntil <= now && now - found.lastFailure >= this.policy.forgetAfterMs) {
      this.#attempts.delete(key);
      return undefined;
    }
    return found;
  }
}
