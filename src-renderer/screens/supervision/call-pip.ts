// A 视频会商 call in the session player: while the clock is inside a call, what came from
// the approver (`callReceived`) and what the window sent (`callSent`) play in a small
// picture beside the counter camera. Each follows the player's clock the way the camera's
// video does (player-engine.ts), simpler: a call track is short and only looked at, so a
// segment is loaded when the clock enters it and pulled back when it drifts; outside its
// segments the picture is empty. The one decision, whether a call runs at a moment, is
// callAt (pure, in player-model.ts' manner).
import type { TimelineSegment } from '../../../src-main/api/contract/index.ts';
import { segmentAt } from './player-model.ts';
import type { SegmentSource } from './segment-source.ts';

const DRIFT_MS = 500;

/** Whether either call track has a picture at `ms`. */
export function callAt(received: readonly TimelineSegment[], sent: readonly TimelineSegment[], ms: number): boolean {
  return segmentAt(received, ms) !== -1 || segmentAt(sent, ms) !== -1;
}

export interface ClockState {
  positionMs: number;
  playing: boolean;
  speed: number;
}

export class CallTrackFollower {
  readonly #video: HTMLVideoElement;
  readonly #source: SegmentSource;
  readonly #list: readonly TimelineSegment[];
  #at = -2;
  #generation = 0;
  #url: string | null = null;
  #loaded = false;

  constructor(video: HTMLVideoElement, source: SegmentSource, list: readonly TimelineSegment[]) {
    this.#video = video;
    this.#source = source;
    this.#list = list;
  }

  /** Brings the picture to the clock: the segment that covers it, at its offset, playing or not. */
  follow(clock: ClockState): void {
    const i = segmentAt(this.#list, clock.positionMs);
    if (i !== this.#at) {
      this.#at = i;
      void this.#load(i, clock);
      return;
    }
    const segment = this.#list[i];
    const video = this.#video;
    if (!segment || !this.#loaded) return;
    const expected = (clock.positionMs - segment.startMs) / 1000;
    if (!video.seeking && Math.abs(video.currentTime - expected) * 1000 > DRIFT_MS) video.currentTime = expected;
    video.playbackRate = clock.speed;
    if (clock.playing && video.paused && !video.ended) void video.play().catch(() => {});
    if (!clock.playing && !video.paused) video.pause();
  }

  destroy(): void {
    this.#generation++;
    this.#clear();
  }

  async #load(i: number, clock: ClockState): Promise<void> {
    const generation = ++this.#generation;
    this.#loaded = false;
    const segment = this.#list[i];
    if (!segment || segment.state !== 'held') {
      this.#clear();
      return;
    }
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = await this.#source.bytes(segment);
    } catch {
      if (generation === this.#generation) this.#clear();
      return;
    }
    if (generation !== this.#generation) return;
    if (this.#url) URL.revokeObjectURL(this.#url);
    this.#url = URL.createObjectURL(new Blob([bytes], { type: segment.mediaType.split(';')[0] }));
    const video = this.#video;
    video.src = this.#url;
    video.currentTime = Math.max(0, clock.positionMs - segment.startMs) / 1000;
    this.#loaded = true;
    // The call's sound is heard once, from the approver's side; the window's own is in the camera's.
    if (clock.playing) void video.play().catch(() => {});
  }

  #clear(): void {
    const video = this.#video;
    video.pause();
    video.removeAttribute('src');
    if (this.#url) URL.revokeObjectURL(this.#url);
    this.#url = null;
    this.#loaded = false;
  }
}
