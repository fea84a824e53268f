// The session player's playback, outside React: one clock for the counter camera's
// video and the replay of the clerk's screen. The clock is the player's own (wall-clock
// ms of the session, advanced by the page's monotonic time at the chosen speed); the
// camera's <video> plays the segment that covers the clock and is pulled back when it
// drifts, and the rrweb replayer is started from the last full snapshot before the
// clock and fed the following segments as the clock nears them.
//
// Invariants:
// - Every asynchronous step (a segment read, a video seek) belongs to one seek
//   generation: a later seek or a new segment makes the answers of the earlier one void,
//   so a slow read never puts an old picture over a newer jump.
// - A moment with no video (a gap, a purged or missing segment) shows why, and the clock
//   goes on: the screen replay and the steps play through it.
import { Replayer } from '@rrweb/replay';
import '@rrweb/replay/dist/style.css';
import type { TimelineSegment } from '../../../src-main/api/contract/index.ts';
import {
  lastStartingBefore,
  parseScreenEvents,
  replayStartIn,
  segmentAt,
  trackSegments,
  type ScreenEvent,
} from './player-model.ts';
import type { SegmentSource } from './segment-source.ts';

/** Why a view shows no picture at the clock's moment. */
export type ViewNote = 'loading' | 'gap' | 'purged' | 'missing' | 'failed' | null;

export interface PlayerState {
  positionMs: number;
  playing: boolean;
  speed: number;
  /** The first picture of both views is shown (or why not is). */
  ready: boolean;
  /** Counts seeks that have settled: both views stand at the target. */
  seekDone: number;
  camera: ViewNote;
  screen: ViewNote;
}

export interface PlayerEngineOptions {
  video: HTMLVideoElement;
  screenRoot: HTMLElement;
  source: SegmentSource;
  segments: readonly TimelineSegment[];
  fromMs: number;
  toMs: number;
  /** Moments the supervisor is likely to jump to (the steps): their segments are read ahead. */
  moments: readonly number[];
  onState: (state: PlayerState) => void;
}

/** The video is pulled back to the clock past this drift. */
const VIDEO_DRIFT_MS = 300;
/** The screen replay is restarted at the clock past this drift (a restart rebuilds the page). */
const SCREEN_DRIFT_MS = 1000;
/** The next screen segment is read this long before the clock reaches it. */
const SCREEN_AHEAD_MS = 3000;
/** While playing, the state is told this often (the time shown, the slider). */
const STATE_EVERY_MS = 200;
/** Screen segments kept parsed (a full snapshot is a large JSON). */
const PARSED_SEGMENTS = 64;

interface ScreenReplay {
  replayer: Replayer;
  /** The timestamp of its first event: its offsets count from here. */
  baseMs: number;
  /** Position in the screen track of the segment its full snapshot came from. */
  snapshotSegment: number;
  /** Position in the screen track of the next segment to feed it. */
  next: number;
  feeding: boolean;
  /** The replayer played its last event and stopped: it waits for more, its picture is still right. */
  finished: boolean;
  /** The recorded screen's size, for scaling it to the frame. */
  size: { width: number; height: number } | null;
}

export class PlayerEngine {
  readonly #o: PlayerEngineOptions;
  readonly #camera: TimelineSegment[];
  readonly #screen: TimelineSegment[];
  #state: PlayerState;
  /** The clock: at page time `#anchorAt` it stood at `#anchorMs`. */
  #anchorMs: number;
  #anchorAt = performance.now();
  #generation = 0;
  #seeking = false;
  #cameraAt = -2;
  /** The screen segment last tried while no replay runs (a gap, a purged segment). */
  #screenTried = -2;
  #videoUrl: string | null = null;
  #replay: ScreenReplay | null = null;
  #frame = 0;
  #lastTold = 0;
  #destroyed = false;
  #prefetched = false;
  readonly #resizing: ResizeObserver;
  readonly #parsed = new Map<number, ScreenEvent[]>();

  constructor(options: PlayerEngineOptions) {
    this.#o = options;
    this.#camera = trackSegments(options.segments, 'camera');
    this.#screen = trackSegments(options.segments, 'screen');
    this.#anchorMs = options.fromMs;
    this.#state = {
      positionMs: options.fromMs,
      playing: false,
      speed: 1,
      ready: false,
      seekDone: 0,
      camera: 'loading',
      screen: 'loading',
    };
    options.video.addEventListener('ended', this.#onVideoEnded);
    // The frame's width changes with the layout (放大回放): the replayed screen is scaled again.
    this.#resizing = new ResizeObserver(() => this.#fit());
    this.#resizing.observe(options.screenRoot);
  }

  get state(): PlayerState {
    return this.#state;
  }

  /** Where the clock stands now. */
  position(): number {
    if (!this.#state.playing) return this.#anchorMs;
    const at = this.#anchorMs + (performance.now() - this.#anchorAt) * this.#state.speed;
    return Math.min(at, this.#o.toMs);
  }

  /** Both views at `ms` (clamped to the session); settles with `seekDone` counted once both stand there. */
  async seek(ms: number): Promise<void> {
    const target = Math.min(Math.max(ms, this.#o.fromMs), this.#o.toMs);
    const generation = ++this.#generation;
    this.#seeking = true;
    this.#anchor(target);
    this.#tell({ positionMs: target });
    await Promise.all([this.#showCamera(target, generation, true), this.#showScreen(target, generation)]);
    if (generation !== this.#generation || this.#destroyed) return;
    this.#seeking = false;
    // The clock stood still while the views were read: it starts from the target.
    this.#anchor(target);
    this.#tell({ ready: true, seekDone: this.#state.seekDone + 1 });
    if (this.#state.playing) {
      this.#startVideo();
      this.#startScreen();
    }
    if (!this.#prefetched) {
      this.#prefetched = true;
      void this.#prefetch();
    }
  }

  play(): void {
    if (this.#state.playing || this.#destroyed) return;
    // From the end, play starts over.
    if (this.position() >= this.#o.toMs) void this.seek(this.#o.fromMs);
    this.#anchor(this.position());
    this.#tell({ playing: true });
    if (!this.#seeking) {
      this.#startVideo();
      this.#startScreen();
    }
    this.#loop();
  }

  pause(): void {
    if (!this.#state.playing) return;
    const at = this.position();
    this.#anchor(at);
    this.#tell({ playing: false, positionMs: at });
    cancelAnimationFrame(this.#frame);
    this.#o.video.pause();
    this.#replay?.replayer.pause(Math.max(0, at - this.#replay.baseMs));
  }

  toggle(): void {
    if (this.#state.playing) this.pause();
    else this.play();
  }

  setSpeed(speed: number): void {
    this.#anchor(this.position());
    this.#tell({ speed });
    this.#o.video.playbackRate = speed;
    this.#replay?.replayer.setConfig({ speed });
  }

  destroy(): void {
    this.#destroyed = true;
    this.#generation++;
    this.#resizing.disconnect();
    cancelAnimationFrame(this.#frame);
    this.#o.video.removeEventListener('ended', this.#onVideoEnded);
    this.#o.video.pause();
    this.#o.video.removeAttribute('src');
    if (this.#videoUrl) URL.revokeObjectURL(this.#videoUrl);
    this.#replay?.replayer.destroy();
    this.#replay = null;
  }

  // ── the clock ──────────────────────────────────────────────────────────────

  #anchor(ms: number): void {
    this.#anchorMs = ms;
    this.#anchorAt = performance.now();
  }

  #tell(change: Partial<PlayerState>): void {
    this.#state = { ...this.#state, ...change };
    this.#lastTold = performance.now();
    this.#o.onState(this.#state);
  }

  #loop = (): void => {
    if (!this.#state.playing || this.#destroyed) return;
    const at = this.position();
    if (at >= this.#o.toMs) {
      this.pause();
      return;
    }
    if (!this.#seeking) {
      this.#followCamera(at);
      this.#followScreen(at);
    }
    if (performance.now() - this.#lastTold >= STATE_EVERY_MS) this.#tell({ positionMs: at });
    this.#frame = requestAnimationFrame(this.#loop);
  };

  /** The camera's video set going from where it stands (after a seek, on play, on the next segment). */
  #startVideo(): void {
    const video = this.#o.video;
    if (this.#state.camera !== null) return;
    video.playbackRate = this.#state.speed;
    void video.play().catch(() => {
      // A page that may not play sound before a gesture still plays the picture.
      video.muted = true;
      void video.play().catch(() => {});
    });
  }

  /** The screen replay set going at the clock (rrweb applies what came before at once). */
  #startScreen(): void {
    const replay = this.#replay;
    if (!replay) return;
    replay.finished = false;
    replay.replayer.play(this.position() - replay.baseMs);
  }

  #onVideoEnded = (): void => {
    // The segment's picture ran out before the clock reached the next one: the loop moves on.
    if (this.#state.playing) this.#followCamera(this.position());
  };

  /**
   * Reads ahead, one segment at a time, what a jump to each step needs: its camera
   * segment and the screen segments back to the snapshot its replay begins at. A jump
   * then only decodes. Within the segment cache's bound; a failure is the jump's to report.
   */
  async #prefetch(): Promise<void> {
    for (const at of this.#o.moments) {
      if (this.#destroyed) return;
      try {
        const camera = this.#camera[segmentAt(this.#camera, at)];
        if (camera?.state === 'held') await this.#o.source.bytes(camera);
        const i = lastStartingBefore(this.#screen, at);
        if (i !== -1) await this.#snapshotBefore(i, at);
      } catch {
        // Read again, and reported, when the supervisor jumps there.
      }
    }
  }

  // ── the camera ─────────────────────────────────────────────────────────────

  #followCamera(at: number): void {
    const i = segmentAt(this.#camera, at);
    if (i !== this.#cameraAt) {
      void this.#showCamera(at, this.#generation, false);
      return;
    }
    const segment = this.#camera[i];
    const video = this.#o.video;
    if (!segment || this.#state.camera !== null) return;
    const expected = (at - segment.startMs) / 1000;
    // Not past the picture's end: a segment's span can outlast its video by a few frames.
    if (!video.seeking && !video.ended && Math.abs(video.currentTime - expected) * 1000 > VIDEO_DRIFT_MS) {
      video.currentTime = expected;
    }
    if (video.paused && !video.ended) void video.play().catch(() => {});
    const next = this.#camera[i + 1];
    if (next?.state === 'held') void this.#o.source.bytes(next).catch(() => {});
  }

  /** The camera segment covering `at`, loaded and seeked into (or the note why there is none). */
  async #showCamera(at: number, generation: number, seeking: boolean): Promise<void> {
    const i = segmentAt(this.#camera, at);
    this.#cameraAt = i;
    const video = this.#o.video;
    const segment = this.#camera[i];
    if (segment?.state !== 'held') {
      video.pause();
      video.removeAttribute('src');
      video.load();
      this.#tell({ camera: segment?.state ?? 'gap' });
      return;
    }
    this.#tell({ camera: 'loading' });
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = await this.#o.source.bytes(segment);
    } catch {
      if (generation === this.#generation) this.#tell({ camera: 'failed' });
      return;
    }
    if (generation !== this.#generation || this.#destroyed || this.#cameraAt !== i) return;
    const url = URL.createObjectURL(new Blob([bytes], { type: segment.mediaType.split(';')[0] }));
    if (this.#videoUrl) URL.revokeObjectURL(this.#videoUrl);
    this.#videoUrl = url;
    video.src = url;
    const loaded = await settle(video, 'loadeddata');
    if (generation !== this.#generation || this.#destroyed || this.#cameraAt !== i) return;
    if (!loaded) {
      this.#tell({ camera: 'failed' });
      return;
    }
    // Where the clock is now (it ran on while the segment was read).
    const offset = Math.max(0, (seeking ? at : this.position()) - segment.startMs) / 1000;
    if (offset > 0.05) {
      video.currentTime = offset;
      await settle(video, 'seeked');
      if (generation !== this.#generation || this.#destroyed || this.#cameraAt !== i) return;
    }
    this.#tell({ camera: null });
    if (this.#state.playing && !seeking) this.#startVideo();
  }

  // ── the screen ─────────────────────────────────────────────────────────────

  #followScreen(at: number): void {
    const replay = this.#replay;
    if (!replay) {
      // Before the first screen segment, or in one not held: try again when the clock reaches the next.
      const i = lastStartingBefore(this.#screen, at);
      if (i !== this.#screenTried && this.#state.screen !== 'loading') void this.#showScreen(at, this.#generation);
      return;
    }
    const drift = at - (replay.baseMs + replay.replayer.getCurrentTime());
    if (!replay.finished && Math.abs(drift) > SCREEN_DRIFT_MS) replay.replayer.play(at - replay.baseMs);
    const next = this.#screen[replay.next];
    if (next && !replay.feeding && at >= next.startMs - SCREEN_AHEAD_MS) void this.#feed(replay);
  }

  /** Reads the replay's next segment and hands its events to the running replayer. */
  async #feed(replay: ScreenReplay): Promise<void> {
    const segment = this.#screen[replay.next];
    if (!segment) return;
    replay.feeding = true;
    try {
      if (segment.state === 'held') {
        const events = await this.#screenEvents(replay.next);
        if (this.#replay !== replay) return;
        for (const event of events) replay.replayer.addEvent(event as never);
      }
      replay.next++;
      // A replayer that ran out of events waits: it goes on at the clock with the new ones.
      if (replay.finished && this.#state.playing && !this.#seeking) this.#startScreen();
    } catch {
      replay.next++; // one unreadable segment: the replay goes on with the next
    } finally {
      replay.feeding = false;
    }
  }

  /**
   * The screen as it stood at `at`: the replayer begun at the last full snapshot before it
   * (reading back as many segments as that takes), or the one running when it began there.
   */
  async #showScreen(at: number, generation: number): Promise<void> {
    const i = lastStartingBefore(this.#screen, at);
    this.#screenTried = i;
    if (i === -1) {
      this.#dropReplay();
      this.#tell({ screen: 'gap' });
      return;
    }
    const state = this.#screen[i]!.state;
    if (state !== 'held') {
      this.#dropReplay();
      this.#tell({ screen: state });
      return;
    }
    this.#tell({ screen: 'loading' });
    try {
      const found = await this.#snapshotBefore(i, at);
      if (generation !== this.#generation || this.#destroyed) return;
      if (!found) {
        this.#dropReplay();
        this.#tell({ screen: 'missing' });
        return;
      }
      let replay = this.#replay;
      if (!replay || replay.snapshotSegment !== found.segment || replay.next <= i) {
        this.#dropReplay();
        replay = this.#newReplay(found.events, found.segment, i + 1);
      }
      replay.finished = false;
      if (this.#state.playing && !this.#seeking) replay.replayer.play(this.position() - replay.baseMs);
      else replay.replayer.pause(Math.max(0, at - replay.baseMs));
      this.#tell({ screen: null });
    } catch {
      if (generation === this.#generation) this.#tell({ screen: 'failed' });
    }
  }

  /** The events from the last full snapshot at or before `at`, through screen segment `i`. */
  async #snapshotBefore(i: number, at: number): Promise<{ events: ScreenEvent[]; segment: number } | null> {
    const parts: ScreenEvent[][] = [];
    for (let j = i; j >= 0; j--) {
      const segment = this.#screen[j]!;
      if (segment.state !== 'held') return null;
      const events = await this.#screenEvents(j);
      // Before the recording's first snapshot there is nothing earlier: that snapshot stands for it.
      const start = replayStartIn(events, j < i ? Number.POSITIVE_INFINITY : at, j === 0);
      if (start === -1) {
        parts.unshift(events);
        continue;
      }
      parts.unshift(events.slice(start));
      return { events: parts.flat(), segment: j };
    }
    return null;
  }

  /** A screen segment's events, parsed once while they are kept. */
  async #screenEvents(j: number): Promise<ScreenEvent[]> {
    const known = this.#parsed.get(j);
    if (known) return known;
    const events = parseScreenEvents(await this.#o.source.bytes(this.#screen[j]!));
    this.#parsed.set(j, events);
    if (this.#parsed.size > PARSED_SEGMENTS) this.#parsed.delete(this.#parsed.keys().next().value!);
    return events;
  }

  #newReplay(events: ScreenEvent[], snapshotSegment: number, next: number): ScreenReplay {
    const root = this.#o.screenRoot;
    const replayer = new Replayer(events as never[], {
      root,
      speed: this.#state.speed,
      skipInactive: false,
      showWarning: false,
      triggerFocus: false,
      mouseTail: false,
      // The replayed page is a picture: no script runs in it, nothing in it can be clicked.
      UNSAFE_replayCanvas: false,
    });
    replayer.on('resize', (dimension) => {
      const { width, height } = dimension as { width: number; height: number };
      replay.size = { width, height };
      this.#fit();
    });
    const replay: ScreenReplay = {
      replayer,
      baseMs: events[0]!.timestamp,
      snapshotSegment,
      next,
      feeding: false,
      finished: false,
      size: null,
    };
    replayer.on('finish', () => (replay.finished = true));
    this.#replay = replay;
    return replay;
  }

  /** The replayed screen scaled to the frame's width. */
  #fit(): void {
    const replay = this.#replay;
    if (!replay?.size) return;
    const root = this.#o.screenRoot;
    const scale = root.clientWidth / replay.size.width;
    replay.replayer.wrapper.style.transform = `scale(${scale})`;
    replay.replayer.wrapper.style.transformOrigin = '0 0';
    root.style.height = `${Math.round(replay.size.height * scale)}px`;
  }

  #dropReplay(): void {
    this.#replay?.replayer.destroy();
    this.#replay = null;
  }
}

/** Waits for a media element's event; false on its error or after a few seconds without it. */
function settle(video: HTMLVideoElement, event: 'loadeddata' | 'seeked'): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      video.removeEventListener(event, onEvent);
      video.removeEventListener('error', onError);
      resolve(ok);
    };
    const onEvent = () => done(true);
    const onError = () => done(false);
    const timer = setTimeout(() => done(false), 5000);
    video.addEventListener(event, onEvent);
    video.addEventListener('error', onError);
  });
}
