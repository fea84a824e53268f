// The session player's decisions: which segment plays at a moment (and when a moment is
// a gap), where next / previous step land, from which event a screen replay begins.
import { describe, expect, it } from 'vitest';
import type { TimelineSegment } from '../../src-main/api/contract/index.ts';
import {
  chapterFrom,
  playerSpan,
  replayStartIn,
  segmentAt,
  trackSegments,
} from '../../src-renderer/screens/supervision/player-model.ts';
import { clockText } from '../../src-renderer/screens/supervision/session-model.ts';

const T0 = 1_800_000_000_000;

function segment(track: 'camera' | 'screen', index: number, startMs: number, endMs: number): TimelineSegment {
  return {
    track,
    index,
    bytes: 1000,
    mediaType: 'video/webm',
    startMs,
    endMs,
    state: 'held',
  };
}

describe('the session player', () => {
  // Camera: 0–4 s, 4.03–8 s, then a gap of 5 s, then 13–17 s.
  const camera = [
    segment('camera', 2, T0 + 13_000, T0 + 17_000),
    segment('camera', 0, T0, T0 + 4000),
    segment('camera', 1, T0 + 4030, T0 + 8000),
  ];
  const screen = [segment('screen', 0, T0 + 50, T0 + 4000)];

  it('finds the segment that plays at a moment, bridging the few ms between segments, not a gap', () => {
    const list = trackSegments([...camera, ...screen], 'camera');
    expect(list.map((s) => s.index)).toEqual([0, 1, 2]);
    expect(segmentAt(list, T0)).toBe(0);
    expect(segmentAt(list, T0 + 3999)).toBe(0);
    expect(segmentAt(list, T0 + 4010)).toBe(0); // between 0 and 1: still 0's last picture
    expect(segmentAt(list, T0 + 4030)).toBe(1);
    expect(segmentAt(list, T0 + 9000)).toBe(-1); // the gap
    expect(segmentAt(list, T0 + 16_000)).toBe(2);
    expect(segmentAt(list, T0 + 17_500)).toBe(-1); // after the last
    expect(segmentAt(list, T0 - 1)).toBe(-1); // before the first
  });

  it('spans the session, widened to every segment and step', () => {
    const detail = { session: { startedAt: T0 + 1000, endedAt: T0 + 15_000 }, chapters: [{ at: T0 + 20_000 }] };
    expect(playerSpan(detail, [...camera, ...screen])).toEqual({ fromMs: T0, toMs: T0 + 20_000 });
    // An open session without segments still has a span to draw.
    expect(playerSpan({ session: { startedAt: T0, endedAt: null }, chapters: [] }, [])).toEqual({
      fromMs: T0,
      toMs: T0 + 1000,
    });
  });

  it('goes to the next step past the position, and back past the one just passed', () => {
    const chapters = [{ at: T0 }, { at: T0 + 10_000 }, { at: T0 + 20_000 }];
    expect(chapterFrom(chapters, T0, 1)).toBe(1);
    expect(chapterFrom(chapters, T0 + 10_000, 1)).toBe(2); // standing on a step: the next one
    expect(chapterFrom(chapters, T0 + 20_000, 1)).toBe(-1);
    expect(chapterFrom(chapters, T0 + 10_500, -1)).toBe(0); // just after a step: the one before
    expect(chapterFrom(chapters, T0 + 15_000, -1)).toBe(1);
    expect(chapterFrom(chapters, T0, -1)).toBe(-1);
  });

  it('begins a screen replay at the Meta event of the last full snapshot before the moment', () => {
    const events = [
      { type: 4, timestamp: T0 },
      { type: 2, timestamp: T0 + 60 },
      { type: 3, timestamp: T0 + 500 },
      { type: 4, timestamp: T0 + 60_000 },
      { type: 2, timestamp: T0 + 60_010 },
      { type: 3, timestamp: T0 + 61_000 },
    ];
    expect(replayStartIn(events, T0 + 30_000)).toBe(0);
    expect(replayStartIn(events, T0 + 62_000)).toBe(3);
    // Before the segment's first snapshot: none here (read the segment before) …
    expect(replayStartIn(events, T0 + 10)).toBe(-1);
    // … unless it is the recording's first, whose snapshot stands for the moments before it.
    expect(replayStartIn(events, T0 + 10, true)).toBe(0);
    expect(replayStartIn([{ type: 3, timestamp: T0 }], T0 + 5)).toBe(-1);
  });

  it('reads the clock as m:ss, and h:mm:ss past an hour', () => {
    expect(clockText(0)).toBe('0:00');
    expect(clockText(65_400)).toBe('1:05');
    expect(clockText(3_725_000)).toBe('1:02:05');
  });
});
