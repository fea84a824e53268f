// Auto-capture's trigger (自动拍摄): the page is taken once the picture has stood still for a
// moment and is not the page taken last, so a clerk can lay down a stack page by page
// without touching the keyboard. Works on small grey frames (a few thousand pixels): the
// mean absolute difference between two frames says whether anything moved, and between a
// frame and the last page taken whether a new page lies there. Pure; tested on its own.
//
// Invariants (tests/renderer/doccam-stillness.test.ts):
// - it fires at most once per still period: after a shot, something must move before the
//   next one;
// - it never fires for the page taken last (lifting a hand off the same page is no new page);
// - frames of another size than the last reset it (the camera changed).

export interface StillnessOptions {
  /** How long the picture must stand still, ms (default 1000). */
  stillMs?: number;
  /** Mean absolute grey difference below which two frames are the same scene (default 4). */
  motion?: number;
  /** Mean absolute difference from the last page taken above which this is a new page (default 10). */
  newPage?: number;
}

export class StillnessDetector {
  private readonly stillMs: number;
  private readonly motion: number;
  private readonly newPage: number;
  private previous: Uint8Array | undefined;
  private stillSince: number | undefined;
  private fired = false;
  private lastTaken: Uint8Array | undefined;

  constructor(options: StillnessOptions = {}) {
    this.stillMs = options.stillMs ?? 1000;
    this.motion = options.motion ?? 4;
    this.newPage = options.newPage ?? 10;
  }

  /** Feeds the next small grey frame, taken at `at` ms; true when the page should be taken now. */
  feed(grey: Uint8Array, at: number): boolean {
    const previous = this.previous;
    this.previous = grey;
    if (!previous || previous.length !== grey.length) {
      this.stillSince = at;
      this.fired = false;
      if (this.lastTaken && this.lastTaken.length !== grey.length) this.lastTaken = undefined;
      return false;
    }
    if (meanDifference(previous, grey) >= this.motion) {
      this.stillSince = at;
      this.fired = false;
      return false;
    }
    this.stillSince ??= at;
    if (this.fired || at - this.stillSince < this.stillMs) return false;
    if (this.lastTaken && meanDifference(this.lastTaken, grey) < this.newPage) return false;
    this.fired = true;
    return true;
  }

  /** The page now in view was taken (by hand or automatically): it is not new any more. */
  taken(grey: Uint8Array | undefined = this.previous): void {
    if (grey) this.lastTaken = grey;
    this.fired = true;
  }

  reset(): void {
    this.previous = undefined;
    this.stillSince = undefined;
    this.fired = false;
    this.lastTaken = undefined;
  }
}

export function meanDifference(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return a.length === 0 ? 0 : sum / a.length;
}

/** RGBA pixels to grey (Rec. 601 luma, integer). */
export function greyOf(rgba: Uint8ClampedArray): Uint8Array {
  const grey = new Uint8Array(rgba.length / 4);
  for (let i = 0; i < grey.length; i++) {
    grey[i] = (rgba[i * 4]! * 77 + rgba[i * 4 + 1]! * 150 + rgba[i * 4 + 2]! * 29) >> 8;
  }
  return grey;
}
