// A counter session's recording as the clerk's window runs it, while a draft is open:
// the counter camera and microphone (devices/countercam) and the screen (rrweb), both in
// segments that go to the core one after another (`uploads.*` then `recording.segment`).
//
// - A camera that fails (none, refused, unplugged, a recorder error) is a gap, logged
//   once when it begins; the screen goes on, and the camera is tried again and again.
// - Segments the core cannot take now (the link is down) wait in memory, up to
//   MAX_PENDING_BYTES; beyond that the oldest are dropped, and once the core is back
//   their span is logged as a `coreUnreachable` gap before the next segment.
// - A core that no longer knows the recording (it restarted) is asked to start it again.
// - The window sends its own SHA-256 of each segment: the core checks it against what
//   arrived, so damage on the way is found, not stored.
// - During a 视频会商 call two more tracks run (recordCall): what the window sends
//   (`callSent`) and what it receives (`callReceived`), into the same queue. They have
//   gaps only while the call runs: a recorder that fails mid-call is a gap until the
//   stream is replaced or the call ends; outside a call those tracks are simply absent.
import type { ApiClient } from '../api/client.ts';
import { isApiCallError } from '../api/client.ts';
import { uploadBlob } from '../api/upload.ts';
import {
  type CameraFormat,
  type GapReason,
  RecordingTrack,
  SCREEN_MEDIA_TYPE,
} from '../../src-main/common/recording.ts';
import {
  chooseCounterCamera,
  chooseMimeType,
  type CounterCameraFault,
  counterCameraFault,
  gapReasonOf,
  openCounterCamera,
  rememberedCounterCamera,
} from '../devices/countercam/camera.ts';
import { type CameraSegment, SegmentRecorder } from '../devices/countercam/segment-recorder.ts';
import { ScreenRecorder } from './screen-recorder.ts';

/** A call track being recorded; a new stream (the source switched, a remote track added) replaces the one recorded. */
export interface CallTrackRecording {
  replace(stream: MediaStream): Promise<void>;
  stop(): Promise<void>;
}

/** Segments held while the core cannot be reached; past this the oldest go (and become a gap). */
export const MAX_PENDING_BYTES = 48 * 1024 * 1024;
/** Waits before opening a failed camera again: quick at first, then every half minute. */
const CAMERA_RETRY_MS = [2000, 5000, 10_000, 30_000];
const SEND_RETRY_MS = [500, 1000, 2000, 5000];

export type CameraStatus =
  | { kind: 'starting' }
  | { kind: 'recording'; format: CameraFormat; label: string }
  | { kind: 'fault'; fault: CounterCameraFault };

export interface RecordingStatus {
  /** Off: this platform cannot record, or recording stopped. */
  active: boolean;
  camera: CameraStatus;
  /** Segments waiting for the core. */
  pending: number;
}

/** What waits to go to the core, in order: a gap goes after the segments recorded before it. */
type Item =
  | ({ kind: 'segment' } & Pending)
  | { kind: 'gap'; track: RecordingTrack; fromMs: number; toMs: number | null; reason: GapReason };

interface Pending {
  segmentId: string;
  track: RecordingTrack;
  blob: Blob;
  mediaType: string;
  startMs: number;
  endMs: number;
}

export interface SessionRecordingOptions {
  api: ApiClient;
  draftId: string;
  segmentMs: number;
  sensitive: () => readonly string[];
  onStatus: (status: RecordingStatus) => void;
  now?: () => number;
  /**
   * False for a recording of a call's tracks alone (a call about a packet, no draft open at
   * the counter): `recording.start` then says no screen is recorded. Default true.
   */
  screen?: boolean;
}

/** Whether this platform can record at all (jsdom, an old browser: no). */
export function canRecord(): boolean {
  return typeof MediaRecorder !== 'undefined' && chooseMimeType() !== undefined;
}

export class SessionRecording {
  readonly #o: SessionRecordingOptions;
  readonly #now: () => number;
  #status: RecordingStatus = { active: true, camera: { kind: 'starting' }, pending: 0 };
  #started = false;
  #stopped = false;
  #camera: { stream: MediaStream; recorder: SegmentRecorder } | null = null;
  #cameraTries = 0;
  #cameraTimer: ReturnType<typeof setTimeout> | undefined;
  #screen: ScreenRecorder | null = null;
  #queue: Item[] = [];
  #queuedBytes = 0;
  /** Spans dropped while the core was away, per track, to be logged as gaps. */
  #dropped: Partial<Record<RecordingTrack, { fromMs: number; toMs: number }>> = {};
  #sending = false;
  #sendTries = 0;
  #sendTimer: ReturnType<typeof setTimeout> | undefined;
  #cameraFormat: CameraFormat | null = null;
  #draftGone = false;
  #starting: Promise<void> | null = null;
  /** The call tracks being recorded (stopped with the session). */
  readonly #calls = new Set<CallTrackRecording>();

  constructor(options: SessionRecordingOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
  }

  get status(): RecordingStatus {
    return this.#status;
  }

  async start(): Promise<void> {
    // The camera first, so the start states its format; the screen at once either way.
    await this.#openCamera();
    if (this.#stopped) return;
    await this.#startOnCore();
    this.#screen = new ScreenRecorder({
      segmentMs: this.#o.segmentMs,
      sensitive: this.#o.sensitive,
      onSegment: (segment) =>
        this.#enqueue({
          segmentId: crypto.randomUUID(),
          track: 'screen',
          blob: new Blob([segment.bytes as BlobPart], { type: SCREEN_MEDIA_TYPE }),
          mediaType: SCREEN_MEDIA_TYPE,
          startMs: segment.startMs,
          endMs: segment.endMs,
        }),
    });
    this.#screen.start();
    this.#kick();
  }

  /** Opens another camera (the clerk chose it): the current one's last segment is kept. */
  async switchCamera(): Promise<void> {
    await this.#closeCamera();
    this.#cameraTries = 0;
    await this.#openCamera();
  }

  /**
   * Records `stream` as the call track `track` into the session's queue until stopped (the
   * call ended) or the session stops. A recorder that fails mid-call is a gap from then
   * until the next stream records or the call ends, logged with both ends.
   */
  recordCall(track: 'callSent' | 'callReceived', stream: MediaStream): CallTrackRecording {
    const mimeType = chooseMimeType();
    let current: SegmentRecorder | null = null;
    let ended = false;
    /** When the track's recorder failed; the gap is logged closed, once recording goes on or the call ends. */
    let failedAt: number | null = null;
    const failed = (recorder: SegmentRecorder) => {
      if (current === recorder) current = null;
      failedAt ??= this.#now();
    };
    const closeGap = () => {
      if (failedAt === null) return;
      this.#logGap(track, failedAt, Math.max(failedAt, this.#now()), 'recorderError');
      failedAt = null;
    };
    const begin = async (next: MediaStream) => {
      if (ended || this.#stopped || !mimeType || next.getTracks().length === 0) return;
      const recorder: SegmentRecorder = new SegmentRecorder({
        stream: next,
        mimeType,
        segmentMs: this.#o.segmentMs,
        now: this.#now,
        onSegment: (segment) =>
          this.#enqueue({
            segmentId: crypto.randomUUID(),
            track,
            blob: segment.blob,
            mediaType: segment.mediaType,
            startMs: segment.startMs,
            endMs: segment.endMs,
          }),
        onError: () => failed(recorder),
      });
      current = recorder;
      try {
        await recorder.start();
        closeGap();
      } catch {
        failed(recorder);
      }
    };
    const end = async () => {
      const recorder = current;
      current = null;
      await recorder?.stop();
    };
    const recording: CallTrackRecording = {
      replace: async (next) => {
        await end();
        await begin(next);
      },
      stop: async () => {
        ended = true;
        this.#calls.delete(recording);
        await end();
        closeGap();
      },
    };
    this.#calls.add(recording);
    void begin(stream);
    return recording;
  }

  /** Stops both tracks, sends what is left (briefly), and logs the stop. */
  async stop(reason: 'sealed' | 'discarded' | 'left'): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearTimeout(this.#cameraTimer);
    this.#screen?.stop();
    await Promise.all([this.#closeCamera(), ...[...this.#calls].map((call) => call.stop())]);
    this.#kick();
    // The last segments go before the stop, unless the core is away: then the stop is lost too.
    const deadline = this.#now() + 5000;
    while ((this.#queue.length > 0 || this.#sending) && this.#now() < deadline && !this.#draftGone) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    clearTimeout(this.#sendTimer);
    if (this.#started && !this.#draftGone) {
      await this.#o.api.call('recording.stop', { draftId: this.#o.draftId, reason }).catch(() => undefined);
    }
    this.#update({ active: false });
  }

  // ── camera ─────────────────────────────────────────────────────────────────

  async #openCamera(): Promise<void> {
    const mimeType = chooseMimeType();
    if (!mimeType) return this.#cameraFailed('recorder');
    let stream: MediaStream;
    let label: string;
    try {
      const cameras =
        (await navigator.mediaDevices?.enumerateDevices?.())?.filter((d) => d.kind === 'videoinput') ?? [];
      const chosen = chooseCounterCamera(cameras, rememberedCounterCamera());
      stream = await openCounterCamera(chosen?.deviceId || undefined);
      label = stream.getVideoTracks()[0]?.label ?? chosen?.label ?? '';
    } catch (error) {
      return this.#cameraFailed(counterCameraFault(error));
    }
    if (this.#stopped) {
      for (const track of stream.getTracks()) track.stop();
      return;
    }
    const video = stream.getVideoTracks()[0];
    const settings = video?.getSettings() ?? {};
    const recorder = new SegmentRecorder({
      stream,
      mimeType,
      segmentMs: this.#o.segmentMs,
      now: this.#now,
      onSegment: (segment) => this.#enqueueCamera(segment),
      onError: () => void this.#cameraLost('recorder'),
    });
    try {
      await recorder.start();
    } catch {
      for (const track of stream.getTracks()) track.stop();
      return this.#cameraFailed('recorder');
    }
    this.#camera = { stream, recorder };
    video?.addEventListener('ended', () => void this.#cameraLost('ended'), { once: true });
    const format: CameraFormat = { mediaType: mimeType, width: settings.width ?? 0, height: settings.height ?? 0 };
    this.#cameraTries = 0;
    this.#cameraFormat = format;
    // A camera back after a fault: its open gap ends at its first segment (see common/recording.ts).
    this.#update({ camera: { kind: 'recording', format, label } });
  }

  async #cameraLost(fault: CounterCameraFault): Promise<void> {
    if (!this.#camera || this.#stopped) return;
    await this.#closeCamera();
    this.#cameraFailed(fault);
  }

  #cameraFailed(fault: CounterCameraFault): void {
    const was = this.#status.camera;
    this.#update({ camera: { kind: 'fault', fault } });
    // Logged once per fault, not at every try.
    if (was.kind !== 'fault') this.#logGap('camera', this.#now(), null, gapReasonOf(fault));
    if (this.#stopped) return;
    const wait = CAMERA_RETRY_MS[Math.min(this.#cameraTries, CAMERA_RETRY_MS.length - 1)]!;
    this.#cameraTries += 1;
    clearTimeout(this.#cameraTimer);
    this.#cameraTimer = setTimeout(() => void this.#openCamera(), wait);
  }

  async #closeCamera(): Promise<void> {
    const camera = this.#camera;
    this.#camera = null;
    if (!camera) return;
    await camera.recorder.stop();
    for (const track of camera.stream.getTracks()) track.stop();
  }

  #enqueueCamera(segment: CameraSegment): void {
    this.#enqueue({
      segmentId: crypto.randomUUID(),
      track: 'camera',
      blob: segment.blob,
      mediaType: segment.mediaType,
      startMs: segment.startMs,
      endMs: segment.endMs,
    });
  }

  // ── to the core ────────────────────────────────────────────────────────────

  /** One start at a time: the sender and start() may both ask for it. */
  #startOnCore(): Promise<void> {
    if (this.#started) return Promise.resolve();
    this.#starting ??= this.#sendStart().finally(() => (this.#starting = null));
    return this.#starting;
  }

  async #sendStart(): Promise<void> {
    try {
      await this.#o.api.call('recording.start', {
        draftId: this.#o.draftId,
        segmentMs: this.#o.segmentMs,
        camera: this.#status.camera.kind === 'recording' ? this.#cameraFormat : null,
        screen: this.#o.screen ?? true,
      });
      this.#started = true;
    } catch (error) {
      if (isApiCallError(error) && (error.code === 'intake.draftSealed' || error.code === 'intake.draftNotFound')) {
        // Sealed or discarded elsewhere, or a restarted core after the seal: nothing more to record.
        this.#draftGone = true;
        this.#queue = [];
        this.#queuedBytes = 0;
        return;
      }
      // Not reachable now: the sender starts it before the next segment.
    }
  }

  #enqueue(segment: Pending): void {
    if (this.#draftGone) return;
    this.#queue.push({ kind: 'segment', ...segment });
    this.#queuedBytes += segment.blob.size;
    while (this.#queuedBytes > MAX_PENDING_BYTES) {
      const at = this.#queue.findIndex((item) => item.kind === 'segment');
      if (at < 0 || at === this.#queue.length - 1) break;
      const dropped = this.#queue.splice(at, 1)[0] as Pending;
      this.#queuedBytes -= dropped.blob.size;
      const span = this.#dropped[dropped.track];
      this.#dropped[dropped.track] = {
        fromMs: span ? Math.min(span.fromMs, dropped.startMs) : dropped.startMs,
        toMs: Math.max(span?.toMs ?? 0, dropped.endMs),
      };
    }
    this.#update({ pending: this.#segmentsWaiting() });
    this.#kick();
  }

  #kick(): void {
    if (this.#sending || this.#draftGone) return;
    clearTimeout(this.#sendTimer);
    this.#sending = true;
    void this.#drain().finally(() => {
      this.#sending = false;
    });
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0 && !this.#draftGone) {
      try {
        if (!this.#started) {
          await this.#startOnCore();
          if (!this.#started) throw new Error('recording not started on the core');
        }
        await this.#flushDropped();
        const item = this.#queue[0]!;
        if (item.kind === 'segment') await this.#send(item);
        else {
          const { kind: _gap, ...gap } = item;
          await this.#o.api.call('recording.gap', { draftId: this.#o.draftId, ...gap });
        }
        this.#queue.shift();
        if (item.kind === 'segment') this.#queuedBytes -= item.blob.size;
        this.#sendTries = 0;
        this.#update({ pending: this.#segmentsWaiting() });
      } catch (error) {
        if (isApiCallError(error) && error.code === 'recording.notStarted') {
          this.#started = false;
          continue;
        }
        if (isApiCallError(error) && isRefusal(error.code)) {
          // The core will not store this one (damaged on the way, a full disk): a gap, and on.
          const item = this.#queue.shift()!;
          if (item.kind === 'segment') {
            this.#queuedBytes -= item.blob.size;
            const { track, startMs, endMs } = item;
            this.#queue.unshift({
              kind: 'gap',
              track,
              fromMs: Math.round(startMs),
              toMs: Math.round(endMs),
              reason: 'storeFailed',
            });
          }
          continue;
        }
        // The link is down, or the core busy: try again later, the segment kept.
        const wait = SEND_RETRY_MS[Math.min(this.#sendTries, SEND_RETRY_MS.length - 1)]!;
        this.#sendTries += 1;
        this.#sendTimer = setTimeout(() => this.#kick(), wait);
        return;
      }
    }
  }

  async #send(segment: Pending): Promise<void> {
    const bytes = new Uint8Array(await segment.blob.arrayBuffer());
    const sha256 = hex(await crypto.subtle.digest('SHA-256', bytes));
    const uploadId = await uploadBlob(this.#o.api, segment.blob, {
      target: { purpose: 'recording', draftId: this.#o.draftId },
      name: `${segment.track}-${segment.startMs}.${segment.track === 'screen' ? 'json' : 'webm'}`,
    });
    await this.#o.api.call('recording.segment', {
      draftId: this.#o.draftId,
      uploadId,
      segmentId: segment.segmentId,
      track: segment.track,
      mediaType: segment.mediaType,
      startMs: Math.round(segment.startMs),
      endMs: Math.round(segment.endMs),
      sha256,
    });
  }

  async #flushDropped(): Promise<void> {
    for (const track of RecordingTrack.options) {
      const span = this.#dropped[track];
      if (!span) continue;
      await this.#o.api.call('recording.gap', {
        draftId: this.#o.draftId,
        track,
        fromMs: Math.round(span.fromMs),
        toMs: Math.round(span.toMs),
        reason: 'coreUnreachable',
      });
      delete this.#dropped[track];
    }
  }

  #logGap(track: RecordingTrack, fromMs: number, toMs: number | null, reason: GapReason): void {
    if (this.#draftGone) return;
    const to = toMs === null ? null : Math.round(toMs);
    this.#queue.push({ kind: 'gap', track, fromMs: Math.round(fromMs), toMs: to, reason });
    this.#kick();
  }

  #segmentsWaiting(): number {
    return this.#queue.filter((item) => item.kind === 'segment').length;
  }

  #update(change: Partial<RecordingStatus>): void {
    this.#status = { ...this.#status, ...change };
    this.#o.onStatus(this.#status);
  }
}

/** Answers that will not change by sending the same segment again. */
function isRefusal(code: string): boolean {
  return (
    code === 'recording.hashMismatch' ||
    code === 'recording.badSpan' ||
    code === 'store.diskFull' ||
    code === 'upload.tooLarge' ||
    code === 'request.invalidInput'
  );
}

function hex(digest: ArrayBuffer): string {
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
