// The signals this window sends in a call, handed to the core (`calls.signal`) one at a
// time and in order: perfect negotiation needs the other side to see an offer before its
// candidates. A send that fails on the way (the link to the core, or the core's to the
// inbox) is tried again after a pause, the signals behind it waiting; one the core refuses
// (the call ended, a signal it will never take) is dropped and the rest go on.
import { isApiCallError } from '../api/client.ts';
import type { CallSignal } from '../../src-main/common/call-protocol.ts';

const RETRY_MS = [250, 500, 1000, 2000, 4000];

/** Failures on the way: sending the same signal again may well go through. */
const RETRIABLE: ReadonlySet<string> = new Set(['transport.disconnected', 'internal', 'calls.departmentUnreachable']);

export function isRetriable(error: unknown): boolean {
  return !isApiCallError(error) || RETRIABLE.has(error.code);
}

export interface SignalOutboxOptions {
  send: (signal: CallSignal) => Promise<unknown>;
  /** A signal is held back by failures on the way (true), or goes again (false). */
  onStalled?: (stalled: boolean) => void;
  /** The core refused a signal for good. */
  onDropped?: (signal: CallSignal, error: unknown) => void;
  retryMs?: readonly number[];
}

export class SignalOutbox {
  readonly #o: SignalOutboxOptions;
  readonly #retryMs: readonly number[];
  #queue: CallSignal[] = [];
  #running = false;
  #closed = false;
  #tries = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #idle: Array<() => void> = [];

  constructor(options: SignalOutboxOptions) {
    this.#o = options;
    this.#retryMs = options.retryMs ?? RETRY_MS;
  }

  get pending(): number {
    return this.#queue.length;
  }

  push(signal: CallSignal): void {
    if (this.#closed) return;
    this.#queue.push(signal);
    this.#kick();
  }

  /** Resolves once everything queued has gone (or been dropped, or the outbox closed). */
  drained(): Promise<void> {
    if (this.#queue.length === 0 && !this.#running) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Stops sending: what is left is dropped (the call is over). */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#queue = [];
    this.#settle();
  }

  #kick(): void {
    if (this.#running || this.#closed) return;
    this.#running = true;
    void this.#drain().finally(() => {
      this.#running = false;
      if (this.#queue.length === 0) this.#settle();
      // A signal pushed after the loop found the queue empty, before this ran, would
      // otherwise wait for the next push (found by tests/e2e/consultation.spec.ts: the
      // approver never learnt the window had switched to the 高拍仪).
      else if (this.#timer === undefined) this.#kick();
    });
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0 && !this.#closed) {
      const signal = this.#queue[0]!;
      try {
        await this.#o.send(signal);
      } catch (error) {
        if (this.#closed) return;
        if (isRetriable(error)) {
          if (this.#tries === 0) this.#o.onStalled?.(true);
          const wait = this.#retryMs[Math.min(this.#tries, this.#retryMs.length - 1)]!;
          this.#tries += 1;
          this.#timer = setTimeout(() => {
            this.#timer = undefined;
            this.#kick();
          }, wait);
          return;
        }
        this.#o.onDropped?.(signal, error);
      }
      this.#queue.shift();
      if (this.#tries > 0) this.#o.onStalled?.(false);
      this.#tries = 0;
    }
  }

  #settle(): void {
    const waiting = this.#idle;
    this.#idle = [];
    for (const resolve of waiting) resolve();
  }
}
