// The recorded segments of one session as the player reads them from the core
// (`sessions.segment`, in chunks): each one read once while it is wanted, kept in a small
// cache so playing on, jumping back and replaying a step do not read it again, and
// dropped oldest-first past a memory bound (an hour of 720p video does not fit in a tab).
import type { ApiClient } from '../../api/client.ts';
import { readChunks } from '../../api/download.ts';
import type { RecordingTrack } from '../../../src-main/common/recording.ts';
import type { TimelineSegment } from '../../../src-main/api/contract/index.ts';

/** Segment bytes kept at most (a few minutes of 720p video and every screen segment near it). */
const CACHE_BYTES = 96 * 1024 * 1024;

export class SegmentSource {
  readonly #cache = new Map<string, Promise<Uint8Array<ArrayBuffer>>>();
  readonly #sizes = new Map<string, number>();
  #cached = 0;

  constructor(
    private readonly api: Pick<ApiClient, 'call'>,
    private readonly draftId: string,
  ) {}

  /** The segment's bytes (from the cache when read before). A failed read is not kept: asking again reads again. */
  bytes(segment: Pick<TimelineSegment, 'track' | 'index' | 'bytes'>): Promise<Uint8Array<ArrayBuffer>> {
    const key = `${segment.track}/${segment.index}`;
    const known = this.#cache.get(key);
    if (known) {
      // Most recently used last.
      this.#cache.delete(key);
      this.#cache.set(key, known);
      return known;
    }
    const reading = this.#read(segment.track, segment.index);
    this.#cache.set(key, reading);
    reading.then(
      () => this.#account(key, segment.bytes),
      () => this.#cache.delete(key),
    );
    return reading;
  }

  async #read(track: RecordingTrack, index: number): Promise<Uint8Array<ArrayBuffer>> {
    const parts = await readChunks((offset) =>
      this.api.call('sessions.segment', { draftId: this.draftId, track, index, offset }),
    );
    if (parts.length === 1) return parts[0]!;
    const whole = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
    let at = 0;
    for (const part of parts) {
      whole.set(part, at);
      at += part.byteLength;
    }
    return whole;
  }

  #account(key: string, size: number): void {
    if (!this.#cache.has(key) || this.#sizes.has(key)) return;
    this.#sizes.set(key, size);
    this.#cached += size;
    for (const oldest of this.#cache.keys()) {
      if (this.#cached <= CACHE_BYTES || oldest === key) break;
      const bytes = this.#sizes.get(oldest);
      if (bytes === undefined) continue; // still being read
      this.#cache.delete(oldest);
      this.#sizes.delete(oldest);
      this.#cached -= bytes;
    }
  }
}
