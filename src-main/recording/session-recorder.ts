// The core's side of a counter session's recording (全过程记录): the clerk's window
// records the counter camera and the screen in segments and hands each one over; this
// stores it as a blob and enters it into the session's stream of the event log, with
// the SHA-256 computed here from the bytes received (never the window's word for it).
//
// Invariants:
// - A segment's blob is recorded in `blobs` in the same transaction as its
//   `recording.segment` event: the integrity check never takes a logged segment for an
//   orphan, and a segment whose transaction failed is removed at once.
// - `index` runs on per track over the whole stream, across recorders started again
//   and across restarts of the core: it is read back from the stream at each start.
// - A segment sent twice (the answer was lost) is stored and logged once.
// - Only a recording started for an open draft takes segments; it goes on after the
//   draft is sealed (the seal's own moments are on the last segments) until stopped.
import type { PutResult } from '../store/blob-store.ts';
import type { BlobStore } from '../store/blob-store.ts';
import type { Database } from '../store/database.ts';
import { isRecorded, recordBlob } from '../store/blob-records.ts';
import { AppError } from '../common/errors.ts';
import type { Clock } from '../common/hall-time.ts';
import type { HealthReporter } from '../common/health.ts';
import {
  RECORDING_GAP,
  RECORDING_SEGMENT,
  RECORDING_STARTED,
  RECORDING_STOPPED,
  RecordingSegmentPayload,
  type RecordingGapPayload,
  type RecordingStartedPayload,
  type RecordingTrack,
} from '../common/recording.ts';
import type { EventLog, JsonValue } from './event-log.ts';

/** The health board's entry of the counter camera, as the clerk's window reports it. */
export const COUNTER_CAMERA = 'device.counterCamera';
/** A recording nothing was heard of for this long is stopped as abandoned (a closed window). */
const ABANDONED_MS = 5 * 60_000;
/** A segment longer than this is no segment of ours. */
const MAX_SPAN_MS = 10 * 60_000;
/** Segment ids remembered per recording, for answering repeats. */
const REMEMBERED_SEGMENTS = 64;

export interface RecorderActor {
  userId: number;
  username: string;
}

/** A finished upload, not stored yet. */
export interface IncomingSegment {
  size: number;
  store(): Promise<PutResult>;
}

export interface SegmentInput {
  segmentId: string;
  track: RecordingTrack;
  mediaType: string;
  startMs: number;
  endMs: number;
  /** The window's own hash of the bytes, checked against the core's. */
  sha256?: string | undefined;
}

export interface StoredSegment {
  track: RecordingTrack;
  index: number;
  sha256: string;
  bytes: number;
}

interface Running {
  actor: RecorderActor;
  draftId: string;
  next: Record<RecordingTrack, number>;
  answered: Map<string, StoredSegment>;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export interface SessionRecorderDeps {
  db: Database;
  blobs: BlobStore;
  events: EventLog;
  clock: Clock;
  /** The session's stream of a draft (intake's `sessionStream`). */
  streamOf: (draftId: string) => string;
  health?: HealthReporter;
  abandonedMs?: number;
}

export class SessionRecorder {
  readonly #deps: SessionRecorderDeps;
  readonly #running = new Map<string, Running>();

  constructor(deps: SessionRecorderDeps) {
    this.#deps = deps;
    deps.health?.report({ id: COUNTER_CAMERA, kind: 'device', state: 'ready', reason: 'notRecording' });
  }

  /** The caller has checked that the draft is open and the actor's. */
  start(actor: RecorderActor, draftId: string, payload: RecordingStartedPayload): void {
    const key = keyOf(actor.userId, draftId);
    const before = this.#running.get(key);
    if (before) clearTimeout(before.timer);
    const running: Running = {
      actor,
      draftId,
      next: this.#nextIndexes(draftId),
      answered: before?.answered ?? new Map(),
      timer: undefined,
    };
    this.#running.set(key, running);
    this.#touch(running);
    this.#log(running, RECORDING_STARTED, payload);
    if (payload.camera) this.#cameraHealth('busy', 'recording');
  }

  isRunning(userId: number, draftId: string): boolean {
    return this.#running.has(keyOf(userId, draftId));
  }

  /** Refuses when no recording of this draft runs for this user (the core restarted: start again). */
  assertRunning(userId: number, draftId: string): void {
    this.#get(userId, draftId);
  }

  async addSegment(
    actor: RecorderActor,
    draftId: string,
    input: SegmentInput,
    file: IncomingSegment,
  ): Promise<StoredSegment> {
    const running = this.#get(actor.userId, draftId);
    this.#touch(running);
    const repeat = running.answered.get(input.segmentId);
    if (repeat) return repeat;
    if (input.endMs < input.startMs || input.endMs - input.startMs > MAX_SPAN_MS) {
      throw new AppError('recording.badSpan', `segment span ${input.startMs}..${input.endMs} is not a segment's`);
    }
    const stored = await file.store();
    const { blobs, db } = this.#deps;
    let result: StoredSegment;
    try {
      if (input.sha256 !== undefined && input.sha256 !== stored.sha256) {
        throw new AppError(
          'recording.hashMismatch',
          `segment sent as ${input.sha256.slice(0, 12)} arrived as ${stored.sha256.slice(0, 12)}`,
          {
            track: input.track,
          },
        );
      }
      result = db.transaction(() => {
        // The answer may have been written by a repeat that raced this one.
        const raced = running.answered.get(input.segmentId);
        if (raced) return raced;
        recordBlob(db, stored, this.#deps.clock.now());
        const index = running.next[input.track];
        const payload = RecordingSegmentPayload.parse({
          track: input.track,
          index,
          sha256: stored.sha256,
          bytes: stored.size,
          mediaType: input.mediaType,
          startMs: input.startMs,
          endMs: input.endMs,
        });
        this.#log(running, RECORDING_SEGMENT, payload);
        running.next[input.track] = index + 1;
        return { track: input.track, index, sha256: stored.sha256, bytes: stored.size };
      })();
    } catch (error) {
      blobs.removeUnrecorded(stored.sha256, () => isRecorded(db, stored.sha256));
      throw error;
    }
    blobs.settle(stored.sha256);
    running.answered.set(input.segmentId, result);
    if (running.answered.size > REMEMBERED_SEGMENTS) {
      running.answered.delete(running.answered.keys().next().value!);
    }
    if (input.track === 'camera') this.#cameraHealth('busy', 'recording');
    return result;
  }

  gap(actor: RecorderActor, draftId: string, payload: RecordingGapPayload): void {
    const running = this.#get(actor.userId, draftId);
    this.#touch(running);
    this.#log(running, RECORDING_GAP, payload);
    if (payload.track === 'camera' && payload.reason !== 'coreUnreachable') {
      this.#cameraHealth(payload.reason === 'noCamera' ? 'absent' : 'error', cameraReason(payload.reason));
    }
  }

  /** Stopping a recording that does not run is no error (it was stopped, or the core restarted). */
  stop(actor: RecorderActor, draftId: string, reason: string): void {
    const running = this.#running.get(keyOf(actor.userId, draftId));
    if (running) this.#end(running, reason);
  }

  /** The core is closing: every recording stops. */
  stopAll(reason: string): void {
    for (const running of [...this.#running.values()]) this.#end(running, reason);
  }

  #end(running: Running, reason: string): void {
    clearTimeout(running.timer);
    this.#running.delete(keyOf(running.actor.userId, running.draftId));
    this.#log(running, RECORDING_STOPPED, { reason });
    if (this.#running.size === 0) this.#cameraHealth('ready', 'notRecording');
  }

  #get(userId: number, draftId: string): Running {
    const running = this.#running.get(keyOf(userId, draftId));
    if (!running) throw new AppError('recording.notStarted', `no recording of draft ${draftId} runs for this user`);
    return running;
  }

  #touch(running: Running): void {
    clearTimeout(running.timer);
    running.timer = setTimeout(() => {
      try {
        this.#end(running, 'abandoned');
      } catch {
        // the database is closing: nothing to stop
      }
    }, this.#deps.abandonedMs ?? ABANDONED_MS);
    running.timer.unref?.();
  }

  /** The next index of each track: one past the last logged in the stream. */
  #nextIndexes(draftId: string): Record<RecordingTrack, number> {
    const next: Record<RecordingTrack, number> = { camera: 0, screen: 0, callSent: 0, callReceived: 0 };
    for (const event of this.#deps.events.read(this.#deps.streamOf(draftId))) {
      if (event.kind !== RECORDING_SEGMENT) continue;
      const parsed = RecordingSegmentPayload.safeParse(event.payload);
      if (parsed.success) next[parsed.data.track] = Math.max(next[parsed.data.track], parsed.data.index + 1);
    }
    return next;
  }

  #log(running: Running, kind: string, payload: object): void {
    this.#deps.events.append({
      stream: this.#deps.streamOf(running.draftId),
      actor: running.actor.username,
      kind,
      payload: payload as { [key: string]: JsonValue },
    });
  }

  #cameraHealth(state: 'ready' | 'busy' | 'absent' | 'error', reason: string): void {
    this.#deps.health?.report({ id: COUNTER_CAMERA, kind: 'device', state, reason });
  }
}

function keyOf(userId: number, draftId: string): string {
  return `${userId}:${draftId}`;
}

/** The health board's reason (health.reasons) for a camera gap. */
function cameraReason(reason: string): string {
  if (reason === 'noCamera') return 'notConnected';
  if (reason === 'permissionDenied') return 'permissionDenied';
  if (reason === 'cameraEnded') return 'cameraEnded';
  return 'recorderFault';
}
