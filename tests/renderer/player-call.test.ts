// A 视频会商 call in the supervisor's player: the call chapter named, the call's two tracks
// named, whether the clock is inside a call, and the picture-in-picture following the
// clock: the segment that covers it loaded at its offset, pulled back when it drifts,
// emptied outside the call.
import { describe, expect, it } from 'vitest';
import type { TimelineSegment } from '../../src-main/api/contract/index.ts';
import { t, tryT } from '../../src-main/common/i18n/index.ts';
import { callAt, CallTrackFollower } from '../../src-renderer/screens/supervision/call-pip.ts';
import type { SegmentSource } from '../../src-renderer/screens/supervision/segment-source.ts';
import { trackSegments } from '../../src-renderer/screens/supervision/player-model.ts';

const T0 = 1_800_000_000_000;

function segment(track: TimelineSegment['track'], index: number, startMs: number, endMs: number): TimelineSegment {
  return { track, index, bytes: 1000, mediaType: 'video/webm;codecs=vp9,opus', startMs, endMs, state: 'held' };
}

/** What the follower uses of a <video>, kept plain (jsdom plays no media). */
function fakeVideo() {
  const video = {
    src: '',
    currentTime: 0,
    playbackRate: 1,
    paused: true,
    ended: false,
    seeking: false,
    plays: 0,
    play: async () => {
      video.paused = false;
      video.plays += 1;
    },
    pause: () => void (video.paused = true),
    removeAttribute: (name: string) => {
      if (name === 'src') video.src = '';
    },
  };
  return video;
}

const source = { bytes: async () => new Uint8Array([0x1a, 0x45, 0xdf, 0xa3]) } as unknown as SegmentSource;
const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('a call in the player', () => {
  const received = [
    segment('callReceived', 0, T0 + 10_000, T0 + 14_000),
    segment('callReceived', 1, T0 + 14_010, T0 + 18_000),
  ];
  const sent = [segment('callSent', 0, T0 + 10_020, T0 + 14_000)];

  it('names the call chapter and the call’s tracks', () => {
    expect(tryT('supervision.session.chapterKinds.call')).toBe('视频会商');
    expect(t('supervision.session.tracks.callSent')).toBe('会商（本窗口）');
    expect(t('supervision.session.tracks.callReceived')).toBe('会商（审批人）');
  });

  it('knows when the clock is inside a call', () => {
    const all = [...received, ...sent, segment('camera', 0, T0, T0 + 20_000)];
    const r = trackSegments(all, 'callReceived');
    const s = trackSegments(all, 'callSent');
    expect(callAt(r, s, T0 + 5000)).toBe(false);
    expect(callAt(r, s, T0 + 10_005)).toBe(true);
    expect(callAt(r, s, T0 + 16_000)).toBe(true);
    expect(callAt(r, s, T0 + 19_000)).toBe(false);
  });

  it('plays the segment that covers the clock at its offset, follows it, and empties outside the call', async () => {
    const video = fakeVideo();
    const follower = new CallTrackFollower(video as unknown as HTMLVideoElement, source, received);
    follower.follow({ positionMs: T0 + 5000, playing: true, speed: 1 });
    await settled();
    expect(video.src).toBe('');

    follower.follow({ positionMs: T0 + 11_500, playing: true, speed: 1 });
    await settled();
    expect(video.src).toMatch(/^blob:/);
    expect(video.currentTime).toBe(1.5);
    expect(video.plays).toBe(1);

    // Drifted: pulled back to the clock; at double speed.
    video.currentTime = 0.2;
    follower.follow({ positionMs: T0 + 12_000, playing: true, speed: 2 });
    expect(video.currentTime).toBe(2);
    expect(video.playbackRate).toBe(2);
    follower.follow({ positionMs: T0 + 12_100, playing: false, speed: 2 });
    expect(video.paused).toBe(true);

    // The next segment, then past the call.
    const first = video.src;
    follower.follow({ positionMs: T0 + 15_000, playing: false, speed: 1 });
    await settled();
    expect(video.src).not.toBe(first);
    expect(video.currentTime).toBeCloseTo(0.99, 2);
    follower.follow({ positionMs: T0 + 19_000, playing: false, speed: 1 });
    await settled();
    expect(video.src).toBe('');
    follower.destroy();
  });
});
