// The signature's shared shape (common/signature.ts): the caps a client cannot pass, the
// check that it is a signature and not a dot, and the records the draft and the manifest keep.
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../src-main/common/errors.ts';
import {
  assertSignatureLongEnough,
  DraftSignature,
  inkBounds,
  isSignatureLongEnough,
  ManifestSignature,
  MIN_SIGNATURE_EXTENT,
  MIN_SIGNATURE_POINTS,
  SIGNATURE_LIMITS,
  SignatureInk,
  SignatureStrokes,
  SignatureSubmission,
  type SignatureStroke,
} from '../../../src-main/common/signature.ts';
import { DraftState, emptyDraftState } from '../../../src-main/common/draft.ts';

const line = (points: number, length: number, y = 10): SignatureStroke =>
  Array.from({ length: points }, (_, i) => [10 + (i * length) / Math.max(1, points - 1), y, 0.5, i * 10]);
const HASH = 'a'.repeat(64);

describe('SignatureStrokes', () => {
  it('takes strokes of [x, y, pressure, ms] within the caps', () => {
    expect(SignatureStrokes.safeParse([line(20, 100), line(5, 30, 40)]).success).toBe(true);
    expect(SignatureStrokes.safeParse([]).success).toBe(true); // empty is the not-a-dot check's to refuse
  });

  it('refuses more strokes, longer strokes or more points than the caps allow', () => {
    expect(
      SignatureStrokes.safeParse(Array.from({ length: SIGNATURE_LIMITS.strokes + 1 }, () => line(2, 5))).success,
    ).toBe(false);
    expect(SignatureStrokes.safeParse([line(SIGNATURE_LIMITS.pointsPerStroke + 1, 100)]).success).toBe(false);
    const many = Array.from({ length: 11 }, () => line(SIGNATURE_LIMITS.pointsPerStroke, 100));
    expect(SignatureStrokes.safeParse(many).success).toBe(false); // 55,000 points in all
    expect(SignatureStrokes.safeParse(many.slice(0, 10)).success).toBe(true); // 50,000
  });

  it('refuses an empty stroke, a pressure outside 0–1, a negative time or a coordinate that is not a number', () => {
    expect(SignatureStrokes.safeParse([[]]).success).toBe(false);
    expect(SignatureStrokes.safeParse([[[1, 2, 1.5, 0]]]).success).toBe(false);
    expect(SignatureStrokes.safeParse([[[1, 2, 0.5, -1]]]).success).toBe(false);
    expect(SignatureStrokes.safeParse([[[Number.NaN, 2, 0.5, 0]]]).success).toBe(false);
    expect(SignatureStrokes.safeParse([[[1, 2, 0.5]]]).success).toBe(false);
  });

  it('holds the pad’s size with the strokes, a whole number of CSS px, nothing else', () => {
    expect(SignatureInk.safeParse({ width: 1366, height: 400, strokes: [] }).success).toBe(true);
    expect(SignatureInk.safeParse({ width: 0, height: 400, strokes: [] }).success).toBe(false);
    expect(SignatureInk.safeParse({ width: 800.5, height: 400, strokes: [] }).success).toBe(false);
    expect(SignatureInk.safeParse({ width: 800, height: 400, strokes: [], png: 'x' }).success).toBe(false);
  });
});

describe('SignatureSubmission (the applicant screen’s call)', () => {
  it('takes the ink with PNG bytes of at most 1 MiB', () => {
    const ink = { width: 800, height: 300, strokes: [line(20, 100)] };
    expect(SignatureSubmission.safeParse({ ...ink, png: new Uint8Array(100) }).success).toBe(true);
    expect(
      SignatureSubmission.safeParse({ ...ink, png: new Uint8Array(SIGNATURE_LIMITS.imageBytes + 1) }).success,
    ).toBe(false);
    expect(SignatureSubmission.safeParse({ ...ink, png: 'iVBORw0KGgo=' }).success).toBe(false);
    expect(SignatureSubmission.safeParse(ink).success).toBe(false);
  });
});

describe('not a dot', () => {
  it('takes a stroke of enough points and extent', () => {
    expect(isSignatureLongEnough([line(MIN_SIGNATURE_POINTS, MIN_SIGNATURE_EXTENT)])).toBe(true);
    expect(() => assertSignatureLongEnough([line(MIN_SIGNATURE_POINTS, MIN_SIGNATURE_EXTENT)])).not.toThrow();
  });

  it('refuses no ink, too few points, or ink that stays in one small spot, as signature.tooShort', () => {
    for (const strokes of [[], [line(MIN_SIGNATURE_POINTS - 1, 200)], [line(50, MIN_SIGNATURE_EXTENT - 1)]]) {
      expect(isSignatureLongEnough(strokes)).toBe(false);
      let code: string | undefined;
      try {
        assertSignatureLongEnough(strokes);
      } catch (error) {
        code = isAppError(error) ? error.code : undefined;
      }
      expect(code).toBe('signature.tooShort');
    }
  });

  it('counts the points of all strokes and the extent of all ink together', () => {
    const dots = Array.from({ length: 10 }, (_, i) => [[10 + i * 10, 10, 0.5, i]] as SignatureStroke);
    expect(isSignatureLongEnough(dots)).toBe(true); // ten taps across 90 px: initials, say
    expect(inkBounds(dots)).toEqual({ minX: 10, minY: 10, maxX: 100, maxY: 10 });
    expect(inkBounds([])).toBeNull();
  });
});

describe('the records', () => {
  it('a draft keeps the image and strokes by hash with the pad’s size, or that the applicant signs on paper', () => {
    const screen = { image: HASH, strokes: 'b'.repeat(64), width: 800, height: 300, at: 1 };
    expect(DraftSignature.safeParse(screen).success).toBe(true);
    expect(DraftSignature.safeParse({ onPaper: true, reason: '申请人屏幕不可用', at: 1 }).success).toBe(true);
    expect(DraftSignature.safeParse({ ...screen, image: 'nope' }).success).toBe(false);
    expect(DraftSignature.safeParse({ onPaper: false, reason: 'x', at: 1 }).success).toBe(false);
    expect(DraftState.safeParse({ ...emptyDraftState('person'), signature: screen }).success).toBe(true);
  });

  it('a manifest keeps the two hashes, or onPaper', () => {
    expect(ManifestSignature.safeParse({ image: HASH, strokes: HASH }).success).toBe(true);
    expect(ManifestSignature.safeParse({ onPaper: true }).success).toBe(true);
    expect(ManifestSignature.safeParse({ image: HASH }).success).toBe(false);
  });
});
