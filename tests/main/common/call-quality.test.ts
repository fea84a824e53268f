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
  it('leaves a clean line to the congestion control under the ceiling, and caps to the estimate on heavy loss', () => {
    expect(nextBudget(INITIAL_BUDGET, line(400_000))).toMatchObject({ videoBps: VIDEO_CEILING_BPS, quality: 'good' });
    const lossy = nextBudget(INITIAL_BUDGET, line(600_000, 0.15));
    expect(lossy).toMatchObject({ videoBps: Math.floor(600_000 * 0.85 - AUDIO_RESERVE_BPS), quality: 'poor' });
    expect(nextBudget(INITIAL_BUDGET, line(100_000))).toMatchObject({ videoBps: 0 });
  });

  it('pauses video on heavy loss, audio goes on', () => {
    expect(nextBudget(INITIAL_BUDGET, line(1_000_000, 0.3))).toMatchObject({ videoBps: 0, quality: 'poor' });
  });

  it('resumes paused video on the estimate audio alone leaves (≈ 250 kbit/s) after RESUME_SAMPLES clean samples, at the floor or above', () => {
    let budget: VideoBudget = { quality: 'poor', videoBps: 0, roomy: 0 };
    for (let i = 1; i < RESUME_SAMPLES; i++) {
      budget = nextBudget(budget, line(250_000));
      expect(budget).toMatchObject({ videoBps: 0, roomy: i });
    }
    budget = nextBudget(budget, line(250_000));
    expect(budget.videoBps).toBeGreaterThanOrEqual(VIDEO_FLOOR_BPS);
  });

  it('keeps video paused while the line still loses packets, and starts counting again after each lossy sample', () => {
    let budget: VideoBudget = { quality: 'poor', videoBps: 0, roomy: 0 };
    budget = nextBudget(budget, line(400_000));
    budget = nextBudget(budget, line(400_000, 0.2));
    expect(budget).toMatchObject({ videoBps: 0, roomy: 0 });
  });
});
