// The rule that turns the matcher's numbers into an outcome (common/face.ts judge), and the
// thresholds' own checks: the same rule runs in the renderer's worker and in the CLI.
import { describe, expect, it } from 'vitest';
import { DEFAULT_FACE_THRESHOLDS, FaceThresholds, judge } from '../../../src-main/common/face.ts';
import { HallConfig } from '../../../src-main/common/hall-config.ts';

const t = DEFAULT_FACE_THRESHOLDS;

describe('judge', () => {
  it('passes at or above the pass level, is uncertain down to the uncertain level, fails below', () => {
    expect(judge(t.pass, 0.9, 0.9, 1, t)).toMatchObject({ outcome: 'pass', problem: null, similarity: t.pass });
    expect(judge(t.pass - 0.01, 0.9, 0.9, 1, t)).toMatchObject({ outcome: 'uncertain', problem: null });
    expect(judge(t.uncertain, 0.9, 0.9, 1, t)).toMatchObject({ outcome: 'uncertain' });
    expect(judge(t.uncertain - 0.01, 0.9, 0.9, 1, t)).toMatchObject({ outcome: 'fail', problem: null });
  });

  it('moves an outcome when the thresholds move', () => {
    expect(judge(0.7, 0.9, 0.9, 1, t).outcome).toBe('pass');
    expect(judge(0.7, 0.9, 0.9, 1, { ...t, pass: 0.8 }).outcome).toBe('uncertain');
    expect(judge(0.7, 0.9, 0.9, 1, { ...t, pass: 0.9, uncertain: 0.8 }).outcome).toBe('fail');
    expect(judge(0.3, 0.9, 0.9, 1, { ...t, pass: 0.5, uncertain: 0.25 }).outcome).toBe('uncertain');
  });

  it('fails a face that does not look live whatever its similarity (a photo held up)', () => {
    expect(judge(0.99, 0.1, 0.9, 1, t)).toMatchObject({ outcome: 'fail', problem: 'notLive', live: 0.1 });
    expect(judge(0.99, 0.9, 0.1, 1, t)).toMatchObject({ outcome: 'fail', problem: 'notLive', real: 0.1 });
    expect(judge(0.99, null, null, 1, t)).toMatchObject({ outcome: 'fail', problem: 'notLive' });
  });

  it('gives no outcome for a frame with no face or several (retry), and says which', () => {
    expect(judge(0, null, null, 0, t)).toEqual({
      similarity: null,
      live: null,
      real: null,
      outcome: null,
      problem: 'noFace',
      faces: 0,
    });
    expect(judge(0.9, 0.9, 0.9, 2, t)).toMatchObject({ outcome: null, problem: 'multipleFaces', similarity: null });
  });

  it('says noCardFace first when the card had no face: no frame can help, the clerk checks by eye', () => {
    expect(judge(null, 0.9, 0.9, 1, t)).toMatchObject({ outcome: null, problem: 'noCardFace' });
    expect(judge(null, null, null, 0, t)).toMatchObject({ outcome: null, problem: 'noCardFace' });
  });
});

describe('face thresholds and settings', () => {
  it('refuse an uncertain level above the pass level, and levels outside 0..1', () => {
    expect(FaceThresholds.safeParse({ ...t, uncertain: 0.7, pass: 0.6 }).success).toBe(false);
    expect(FaceThresholds.safeParse({ ...t, pass: 1.2 }).success).toBe(false);
    expect(FaceThresholds.safeParse(t).success).toBe(true);
  });

  const base = {
    hall: { id: 'h1', name: '测试大厅' },
    window: { id: 'w1', name: '1 号窗口' },
    regionCode: '110102',
  };

  it('default to keeping no face and sending none, with the calibrated thresholds', () => {
    const config = HallConfig.parse(base);
    expect(config.face).toEqual({ thresholds: t, keepFrames: false, keepDays: 30, sendWithPacket: false });
  });

  it('take a hall’s own thresholds, and refuse keeping or sending face images (this version keeps none)', () => {
    const own = HallConfig.parse({ ...base, face: { thresholds: { ...t, pass: 0.7 } } });
    expect(own.face.thresholds.pass).toBe(0.7);
    const refused = HallConfig.safeParse({ ...base, face: { sendWithPacket: true } });
    expect(refused.success).toBe(false);
    expect(JSON.stringify(refused.error?.issues)).toContain('sendWithPacket');
    const keeping = HallConfig.safeParse({ ...base, face: { keepFrames: true } });
    expect(keeping.success).toBe(false);
    expect(JSON.stringify(keeping.error?.issues)).toContain('keeps no face images');
  });
});
