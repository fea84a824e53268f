// Autosave for one draft: changes are merged into one pending patch and sent by
// `drafts.save` after a short pause in typing, or at once (blur, a choice, a step
// change). Only what changed travels; a failed save keeps its patch, merged under
// anything typed since, and tries again — nothing the clerk typed is dropped.
import type { DraftPatch } from '../../../src-main/common/draft.ts';

export type SaveStatus =
  | { kind: 'idle' }
  | { kind: 'pending' }
  | { kind: 'saving' }
  | { kind: 'saved'; at: number }
  | { kind: 'failed'; error: unknown };

/** Pause after the last keystroke before typing is saved. */
export const TYPING_DEBOUNCE_MS = 300;
/** After a failed save, try again this much later (or at the next change). */
export const RETRY_MS = 5_000;

const RECORDS = ['answers', 'counts', 'conditions'] as const;

/** `later` over `earlier`: the keyed records merge key by key, the rest is replaced. */
export function mergePatch(earlier: DraftPatch | null, later: DraftPatch | null): DraftPatch | null {
  if (!earlier) return later;
  if (!later) return earlier;
  const merged: DraftPatch = { ...earlier, ...later };
  for (const key of RECORDS) {
    if (earlier[key] || later[key]) Object.assign(merged, { [key]: { ...earlier[key], ...later[key] } });
  }
  return merged;
}

export class DraftSaver {
  private pending: DraftPatch | null = null;
  private inflight: Promise<boolean> | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private status: SaveStatus = { kind: 'idle' };
  private stopped = false;

  constructor(
    private readonly send: (patch: DraftPatch) => Promise<void>,
    private readonly onStatus: (status: SaveStatus) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Queues a change; typing waits for a pause, anything else goes at once. */
  change(patch: DraftPatch, when: 'typing' | 'now'): void {
    this.pending = mergePatch(this.pending, patch);
    if (this.status.kind !== 'saving' && this.status.kind !== 'failed') this.setStatus({ kind: 'pending' });
    if (when === 'now') void this.flush();
    else this.schedule(TYPING_DEBOUNCE_MS);
  }

  hasUnsaved(): boolean {
    return this.pending !== null || this.inflight !== null;
  }

  /** Sends everything queued so far; true once it is all stored. */
  async flush(): Promise<boolean> {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (;;) {
      if (this.inflight) {
        if (!(await this.inflight)) return false;
        continue;
      }
      const patch = this.pending;
      if (!patch) return this.status.kind !== 'failed';
      this.pending = null;
      this.inflight = this.attempt(patch);
      const ok = await this.inflight;
      this.inflight = null;
      if (!ok) return false;
    }
  }

  /** Stops timers; what is still pending is sent once more, best effort. */
  dispose(): Promise<boolean> {
    this.stopped = true;
    const done = this.flush();
    clearTimeout(this.timer);
    return done;
  }

  private async attempt(patch: DraftPatch): Promise<boolean> {
    this.setStatus({ kind: 'saving' });
    try {
      await this.send(patch);
    } catch (error) {
      // What was typed meanwhile is newer than the failed patch.
      this.pending = mergePatch(patch, this.pending);
      this.setStatus({ kind: 'failed', error });
      if (!this.stopped) this.schedule(RETRY_MS);
      return false;
    }
    this.setStatus(this.pending ? { kind: 'pending' } : { kind: 'saved', at: this.now() });
    return true;
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), ms);
  }

  private setStatus(status: SaveStatus): void {
    this.status = status;
    this.onStatus(status);
  }
}
