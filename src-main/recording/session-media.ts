// The recorded media of a counter session, as the supervisor's player reads it: the
// timeline of its camera and screen segments (from the session's stream, the one record
// of what was recorded), a segment's bytes in chunks, and the check of every stored
// segment against the hash its event carries (the player's verification badge).
//
// Invariants:
// - A segment is named by (track, index) of its `recording.segment` event: the player can
//   only ask for bytes the session's log names, never for an arbitrary blob.
// - The timeline is read once per session and then extended with the events appended
//   since (a stream only grows): a jump's dozen segment reads do not each re-read the log.
// - Checking is done in slices of a few hundred milliseconds, so the core answers other
//   calls between them and the window shows progress over an hour of video.
import { AppError } from '../common/errors.ts';
import { readSegmentEvents, type RecordingTrack } from '../common/recording.ts';
import type { SegmentProblem, TimelineSegment } from '../common/supervision.ts';
import type { BlobStore } from '../store/blob-store.ts';
import type { EventLog } from './event-log.ts';
import { SESSION_STREAM_PREFIX } from './sessions.ts';

/** Timelines kept in memory: the sessions a supervisor has open or just had. */
const CACHED_TIMELINES = 8;
/** A check answers after about this long, with how far it got. */
const CHECK_SLICE_MS = 250;

/** A segment as the core knows it: the timeline's facts, and the event and blob they came from. */
interface KnownSegment extends TimelineSegment {
  seq: number;
  sha256: string;
}

interface Timeline {
  lastSeq: number;
  segments: KnownSegment[];
  byKey: Map<string, KnownSegment>;
}

export interface SegmentCheck {
  /** Where the next call goes on (a position in the timeline), or null when all are checked. */
  next: number | null;
  total: number;
  problems: SegmentProblem[];
}

const keyOf = (track: RecordingTrack, index: number) => `${track}/${index}`;

export class SessionMedia {
  readonly #timelines = new Map<string, Timeline>();

  constructor(
    private readonly events: EventLog,
    private readonly blobs: BlobStore,
  ) {}

  /** Every segment the session's log names, in the order recorded, with whether its bytes are still held. */
  timeline(draftId: string): TimelineSegment[] {
    return this.#timeline(draftId).segments.map(
      ({ track, index, bytes, mediaType, startMs, endMs, state, sha256 }) => ({
        track,
        index,
        bytes,
        mediaType,
        startMs,
        endMs,
        state: state === 'purged' ? state : this.blobs.has(sha256) ? 'held' : 'missing',
      }),
    );
  }

  /** Up to `maxBytes` of a segment from `offset`; `done` with its last byte. */
  async segmentBytes(
    draftId: string,
    track: RecordingTrack,
    index: number,
    offset: number,
    maxBytes: number,
  ): Promise<{ bytes: Uint8Array; done: boolean }> {
    const segment = this.#timeline(draftId).byKey.get(keyOf(track, index));
    if (!segment) {
      throw new AppError('supervision.segmentNotFound', `session ${draftId} has no ${track} segment ${index}`);
    }
    if (segment.state === 'purged') {
      throw new AppError('supervision.segmentPurged', `${track} segment ${index} of ${draftId} was purged`);
    }
    if (offset > segment.bytes) throw new AppError('download.wrongOffset', `offset ${offset} past ${segment.bytes}`);
    const end = Math.min(segment.bytes, offset + maxBytes);
    const pieces: Buffer[] = [];
    for await (const piece of this.blobs.openRange(segment.sha256, offset, end)) pieces.push(Buffer.from(piece));
    return { bytes: Buffer.concat(pieces), done: end === segment.bytes };
  }

  /**
   * Checks stored segments against their events, from position `from` of the timeline, for
   * about CHECK_SLICE_MS: each one must be held and its bytes hash to the logged SHA-256 with
   * the logged size. A purged segment is no problem (its purge is in the log).
   */
  async check(draftId: string, from: number): Promise<SegmentCheck> {
    const { segments } = this.#timeline(draftId);
    const problems: SegmentProblem[] = [];
    const started = Date.now();
    let at = Math.max(0, from);
    while (at < segments.length && Date.now() - started < CHECK_SLICE_MS) {
      const segment = segments[at++]!;
      if (segment.state === 'purged') continue;
      const problem = await this.#problemOf(segment);
      if (problem) problems.push({ track: segment.track, index: segment.index, problem });
    }
    return { next: at < segments.length ? at : null, total: segments.length, problems };
  }

  async #problemOf(segment: KnownSegment): Promise<SegmentProblem['problem'] | null> {
    if (!this.blobs.has(segment.sha256)) return 'missing';
    try {
      if (this.blobs.size(segment.sha256) !== segment.bytes) return 'altered';
      await this.blobs.verify(segment.sha256);
      return null;
    } catch (error) {
      if (error instanceof AppError && error.code === 'store.blobMissing') return 'missing';
      if (error instanceof AppError && error.code === 'store.blobCorrupt') return 'altered';
      throw error;
    }
  }

  #timeline(draftId: string): Timeline {
    const stream = SESSION_STREAM_PREFIX + draftId;
    let timeline = this.#timelines.get(draftId);
    if (!timeline) {
      if (!this.events.head(stream)) {
        throw new AppError('supervision.sessionNotFound', `no counter session ${draftId}`);
      }
      timeline = { lastSeq: 0, segments: [], byKey: new Map() };
    }
    // Most recently used last, so the first key is the one to drop.
    this.#timelines.delete(draftId);
    this.#timelines.set(draftId, timeline);
    if (this.#timelines.size > CACHED_TIMELINES) this.#timelines.delete(this.#timelines.keys().next().value!);

    const added = [...this.events.read(stream, timeline.lastSeq)];
    timeline.lastSeq = added.at(-1)?.seq ?? timeline.lastSeq;
    const logged = readSegmentEvents(added);
    for (const { seq, track, index, sha256, bytes, mediaType, startMs, endMs } of logged.segments) {
      // A repeated index (a log written by another version) keeps the first, as the bundle does.
      if (timeline.byKey.has(keyOf(track, index))) continue;
      const segment: KnownSegment = { seq, track, index, sha256, bytes, mediaType, startMs, endMs, state: 'held' };
      timeline.segments.push(segment);
      timeline.byKey.set(keyOf(track, index), segment);
    }
    for (const purge of logged.purged) {
      const segment = timeline.byKey.get(keyOf(purge.track, purge.index));
      if (segment && segment.seq === purge.segmentSeq) segment.state = 'purged';
    }
    return timeline;
  }
}
