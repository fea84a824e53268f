// When the clerk's face match stops, on its own (the frames' comparisons come from the real
// matcher in tests/main/devices and the e2e test; here the rule that reads them).
import { describe, expect, it } from 'vitest';
import {
  FRAMES_FOR_VERDICT,
  type FrameResult,
  MATCH_TIME_MS,
  nextMatchStep,
} from '../../src-renderer/screens/intake/face-match-model.ts';

const frame = (outcome: FrameResult['outcome'], similarity = 0.5, problem: FrameResult['problem'] = null) => ({
  outcome,
  problem,
  similarity,
  live: 0.9,
  real: 0.9,
});

describe('face match steps', () => {
  it('decides at once on a pass, even after frames that did not pass', () => {
    expect(nextMatchStep([frame('uncertain', 0.45), frame('pass', 0.8)], 500)).toEqual({
      kind: 'decided',
      result: frame('pass', 0.8),
      frames: 2,
    });
  });

  it('decides a match that does not pass on the best of a few frames, never on one', () => {
    expect(nextMatchStep([frame('fail', 0.2)], 400)).toEqual({ kind: 'continue', hint: null });
    const frames = [frame('fail', 0.2), frame('uncertain', 0.47), frame('fail', 0.3)];
    expect(frames).toHaveLength(FRAMES_FOR_VERDICT);
    expect(nextMatchStep(frames, 1200)).toMatchObject({
      kind: 'decided',
      result: { outcome: 'uncertain', similarity: 0.47 },
    });
  });

  it('prefers a live frame to a photo held up, and fails the photo when it is all there is', () => {
    const spoof = frame('fail', 0.9, 'notLive');
    expect(nextMatchStep([spoof, frame('uncertain', 0.4), spoof], 900)).toMatchObject({
      result: { outcome: 'uncertain', problem: null },
    });
    expect(nextMatchStep([spoof, spoof, spoof], 900)).toMatchObject({
      result: { outcome: 'fail', problem: 'notLive' },
    });
  });

  it('hints while no single face shows, and gives up with the most frequent problem when time is up', () => {
    const none = frame(null, 0, 'noFace');
    const two = frame(null, 0, 'multipleFaces');
    expect(nextMatchStep([none, two], 800)).toEqual({ kind: 'continue', hint: 'multipleFaces' });
    expect(nextMatchStep([none, two, none], MATCH_TIME_MS)).toEqual({ kind: 'gaveUp', problem: 'noFace' });
    // Time up with one comparison: decided on it.
    expect(nextMatchStep([none, frame('uncertain', 0.44)], MATCH_TIME_MS)).toMatchObject({ kind: 'decided' });
  });

  it('gives up at once when the card photo holds no face', () => {
    expect(nextMatchStep([frame(null, 0, 'noCardFace')], 10)).toEqual({ kind: 'gaveUp', problem: 'noCardFace' });
  });
});
