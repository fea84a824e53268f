// What the session player decides outside React: which segment of a track plays at a
// moment of the session (or that the moment falls in a gap), the span the timeline
// shows, where "next step" / "previous step" land, and from which screen segment a
// replay of a moment must begin (the last full snapshot before it). Times are the
// window's wall-clock milliseconds, as the session's log records them.
import type { RecordingTrack } from '../../../src-main/common/recording.ts';
import { SEGMENT_HOLE_MS } from '../../../src-main/common/supervision.ts';
import type { SessionDetail, TimelineSegment } from '../../../src-main/api/contract/index.ts';

/** rrweb's event types the player looks for (@rrweb/types EventType). */
const RRWEB_FULL_SNAPSHOT = 2;
const RRWEB_META = 4;

/** A chapter within this much after the position is "here": next step goes past it. */
const SAME_PLACE_MS = 500;
/** Previous step from just after a chapter goes to the one before it, as a player's back button does. */
const BACK_GRACE_MS = 2000;

/** The playable segments of one track, in time order. */
export function trackSegments(segments: readonly TimelineSegment[], track: RecordingTrack): TimelineSegment[] {
  return segments.filter((s) => s.track === track).sort((a, b) => a.startMs - b.startMs || a.index - b.index);
}

/**
 * The position in `list` of the segment that plays at `ms`: the one whose span holds it,
 * or the one before when `ms` falls in the few milliseconds between two segments (no gap).
 * -1 in a gap, before the first or after the last.
 */
export function segmentAt(list: readonly TimelineSegment[], ms: number): number {
  const i = lastStartingBefore(list, ms);
  if (i === -1) return -1;
  const segment = list[i]!;
  if (ms < segment.endMs) return i;
  const next = list[i + 1];
  return next && next.startMs - segment.endMs <= SEGMENT_HOLE_MS ? i : -1;
}

/** The position of the last segment starting at or before `ms`, -1 when none does. */
export function lastStartingBefore(list: readonly TimelineSegment[], ms: number): number {
  let low = 0;
  let high = list.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (list[middle]!.startMs <= ms) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
}

/** The span the timeline shows: the session from its start to its end, widened to hold every segment and step. */
export function playerSpan(
  detail: {
    session: Pick<SessionDetail['session'], 'startedAt' | 'endedAt'>;
    chapters: readonly { at: number }[];
  },
  segments: readonly TimelineSegment[],
): { fromMs: number; toMs: number } {
  let fromMs = detail.session.startedAt;
  let toMs = detail.session.endedAt ?? fromMs;
  for (const segment of segments) {
    fromMs = Math.min(fromMs, segment.startMs);
    toMs = Math.max(toMs, segment.endMs);
  }
  for (const chapter of detail.chapters) toMs = Math.max(toMs, chapter.at);
  return { fromMs, toMs: Math.max(toMs, fromMs + 1000) };
}

/** The chapter that "next step" (+1) or "previous step" (-1) goes to from `positionMs`; -1 when there is none. */
export function chapterFrom(chapters: readonly { at: number }[], positionMs: number, direction: 1 | -1): number {
  if (direction === 1) return chapters.findIndex((c) => c.at > positionMs + SAME_PLACE_MS);
  return chapters.findLastIndex((c) => c.at < positionMs - BACK_GRACE_MS);
}

/** A screen segment's events as the recorder stored them (a JSON array of rrweb events). */
export interface ScreenEvent {
  type: number;
  timestamp: number;
  [key: string]: unknown;
}

/** The events of a screen segment's bytes; a segment that is no JSON array of events is an error. */
export function parseScreenEvents(bytes: Uint8Array): ScreenEvent[] {
  const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
  if (!Array.isArray(value)) throw new Error('a screen segment is not an array of events');
  return value.filter(
    (event): event is ScreenEvent =>
      typeof event === 'object' && event !== null && typeof (event as ScreenEvent).timestamp === 'number',
  );
}

/**
 * Where in a segment's events a replay may begin at or before `ms`: the Meta event that
 * opens its last full snapshot (rrweb writes Meta, then FullSnapshot), or the snapshot
 * itself without one. -1 when the segment has no full snapshot before `ms` — except in
 * the recording's first segment (`first`), whose opening snapshot also stands for the
 * moments just before it was taken.
 */
export function replayStartIn(events: readonly ScreenEvent[], ms: number, first = false): number {
  let found = -1;
  for (let i = events.length - 1; i >= 0; i--) {
    const event = events[i]!;
    if (event.type !== RRWEB_FULL_SNAPSHOT) continue;
    found = i;
    if (event.timestamp <= ms) break;
  }
  if (found === -1 || (events[found]!.timestamp > ms && !first)) return -1;
  const meta = events[found - 1];
  return meta && meta.type === RRWEB_META ? found - 1 : found;
}
