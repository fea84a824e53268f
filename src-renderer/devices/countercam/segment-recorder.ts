// Camera and microphone recorded in segments that each play on their own: every segment
// is a whole recording of its own MediaRecorder (its own WebM header, starting on a key
// frame). To leave no hole between two, the next recorder is started before the current
// one is stopped: the current stops only once the next reports it has started, so
// consecutive spans overlap by a few milliseconds instead of missing some.

export interface CameraSegment {
  blob: Blob;
  mediaType: string;
  /** Wall-clock ms when this segment's recorder started, and when it was asked to stop. */
  startMs: number;
  endMs: number;
}

export interface SegmentRecorderOptions {
  stream: MediaStream;
  mimeType: string;
  segmentMs: number;
  onSegment: (segment: CameraSegment) => void;
  /** A recorder failed: what it had is delivered as a segment first, then this; recording has stopped. */
  onError: (error: unknown) => void;
  now?: () => number;
  videoBitsPerSecond?: number;
}

interface Running {
  recorder: MediaRecorder;
  startMs: number;
  chunks: Blob[];
  done: Promise<void>;
}

export class SegmentRecorder {
  readonly #options: SegmentRecorderOptions;
  readonly #now: () => number;
  #current: Running | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;

  constructor(options: SegmentRecorderOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** Starts the first segment; resolves once its recorder runs. */
  async start(): Promise<void> {
    this.#current = await this.#begin();
    this.#schedule();
  }

  /** Stops recording; resolves once the last segment has been delivered. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    const current = this.#current;
    this.#current = null;
    if (current) await this.#finish(current);
  }

  #schedule(): void {
    this.#timer = setTimeout(() => void this.#rotate(), this.#options.segmentMs);
  }

  async #rotate(): Promise<void> {
    if (this.#stopped || !this.#current) return;
    const previous = this.#current;
    let next: Running;
    try {
      next = await this.#begin();
    } catch (error) {
      // The next cannot start (the track is gone): keep what the current one has, then say so.
      this.#current = null;
      await this.#finish(previous);
      if (!this.#stopped) this.#options.onError(error);
      return;
    }
    if (this.#stopped) {
      // stop() came while the next was starting: it has nothing worth keeping.
      next.recorder.ondataavailable = null;
      next.recorder.onstop = null;
      if (next.recorder.state !== 'inactive') next.recorder.stop();
      return;
    }
    this.#current = next;
    this.#schedule();
    await this.#finish(previous);
  }

  /** A new recorder on the stream, resolved once it has started. */
  #begin(): Promise<Running> {
    const { stream, mimeType } = this.#options;
    const recorder = new MediaRecorder(stream, {
      mimeType,
      videoBitsPerSecond: this.#options.videoBitsPerSecond ?? 1_000_000,
      audioBitsPerSecond: 64_000,
    });
    const chunks: Blob[] = [];
    recorder.ondataavailable = (event) => {
      if (event.data.size > 0) chunks.push(event.data);
    };
    return new Promise<Running>((resolve, reject) => {
      let started = false;
      let stoppedResolve: () => void = () => undefined;
      const done = new Promise<void>((r) => (stoppedResolve = r));
      recorder.onstop = () => stoppedResolve();
      recorder.onerror = (event) => {
        const error = (event as Event & { error?: unknown }).error ?? new Error('MediaRecorder error');
        if (!started) reject(error);
        else {
          // Mid-segment: the recorder stops itself; the segment so far is kept.
          this.#fail(error);
        }
      };
      recorder.onstart = () => {
        started = true;
        resolve({ recorder, startMs: this.#now(), chunks, done });
      };
      try {
        recorder.start();
      } catch (error) {
        reject(error);
      }
    });
  }

  #failing = false;
  #fail(error: unknown): void {
    if (this.#failing || this.#stopped) return;
    this.#failing = true;
    void this.stop().then(() => this.#options.onError(error));
  }

  async #finish(running: Running): Promise<void> {
    const endMs = this.#now();
    if (running.recorder.state !== 'inactive') {
      try {
        running.recorder.stop();
      } catch {
        // already stopping
      }
    }
    await running.done;
    if (running.chunks.length === 0) return;
    const mediaType = running.recorder.mimeType || this.#options.mimeType;
    this.#options.onSegment({
      blob: new Blob(running.chunks, { type: mediaType }),
      mediaType,
      startMs: running.startMs,
      endMs,
    });
  }
}
