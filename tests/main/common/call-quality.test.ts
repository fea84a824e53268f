// The line's adaptation policy both ends of a 视频会商 call run (common/call-quality.ts).
import { describe, expect, it } from 'vitest';
import {
  INITIAL_BUDGET,
  nextBudget,
  RESUME_SAMPLES,
  VIDEO_FLOOR_BPS,
  VIDEO_CEILING_BPS,
  AUDIO_RESERVE_BPS,
  type LineSample,
  type VideoBudget,
} from '../../../src-main/common/call-quality.ts';

const line = (availableBps: number | null, loss = 0, rttMs: number | null = 20): LineSample => ({
  availableBps,
  loss,
  rttMs,
});

describe('call quality', () => {
  it('leaves a clean line to the congestion control under the ceiling, whatever the estimate says', () => {
    expect(nextBudget(INITIAL_BUDGET, line(400_000))).toMatchObject({ videoBps: VIDEO_CEILING_BPS, quality: 'good' });
    // A low estimate early in a call, or while little is sent, is no sign of trouble.
    expect(nextBudget(INITIAL_BUDGET, line(90_000))).toMatchObject({ videoBps: VIDEO_CEILING_BPS, quality: 'good' });
  });

  it('caps video to what the estimate leaves after speech on heavy loss, never under the floor', () => {
    const lossy = nextBudget(INITIAL_BUDGET, line(600_000, 0.15));
    expect(lossy).toMatchObject({ videoBps: Math.floor(600_000 * 0.85 - AUDIO_RESERVE_BPS), quality: 'poor' });
    expect(nextBudget(INITIAL_BUDGET, line(100_000, 0.15)).videoBps).toBe(VIDEO_FLOOR_BPS);
  });

  it('pauses video on a line losing a quarter of its packets or a second behind; audio goes on', () => {
    expect(nextBudget(INITIAL_BUDGET, line(1_000_000, 0.3))).toMatchObject({ videoBps: 0, quality: 'poor' });
    expect(nextBudget(INITIAL_BUDGET, line(1_000_000, 0, 1500))).toMatchObject({ videoBps: 0, quality: 'poor' });
  });

  it('resumes paused video after RESUME_SAMPLES clean samples, whatever the estimate (only audio flows meanwhile)', () => {
    let budget: VideoBudget = { quality: 'poor', videoBps: 0, roomy: 0 };
    for (let i = 1; i < RESUME_SAMPLES; i++) {
      budget = nextBudget(budget, line(60_000));
      expect(budget).toMatchObject({ videoBps: 0, roomy: i });
    }
    budget = nextBudget(budget, line(60_000));
    expect(budget.videoBps).toBe(VIDEO_CEILING_BPS);
  });

  it('keeps video paused while the line still loses packets, and starts counting again after each lossy sample', () => {
    let budget: VideoBudget = { quality: 'poor', videoBps: 0, roomy: 0 };
    budget = nextBudget(budget, line(400_000));
    budget = nextBudget(budget, line(400_000, 0.2));
    expect(budget).toMatchObject({ videoBps: 0, roomy: 0 });
  });
});
