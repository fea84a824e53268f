// The signature pad's decisions without a canvas: the points a stroke keeps, their
// pressure (the pen's, or simulated from speed for a mouse or a touch screen without
// pressure), the caps of common/signature.ts, the ink's outline and the PNG's crop.
import { describe, expect, it } from 'vitest';
import {
  cropBox,
  imageScale,
  InkRecorder,
  outlinePath,
  type PointerSample,
  reportsPressure,
  strokeOutline,
} from '../../src-renderer/screens/applicant/signature-ink.ts';
import { isSignatureLongEnough, SIGNATURE_LIMITS, SignatureInk } from '../../src-main/common/signature.ts';

const at = (x: number, y: number, time: number, over: Partial<PointerSample> = {}): PointerSample => ({
  x,
  y,
  time,
  pressure: 0.5,
  pointerType: 'mouse',
  ...over,
});

/** One stroke from (x0, y) to the right, a point every `step` px every `ms` ms. */
function draw(ink: InkRecorder, points: number, step: number, ms: number, over: Partial<PointerSample> = {}): void {
  ink.begin(at(10, 50, 1000, over));
  for (let i = 1; i < points; i++) ink.add(at(10 + i * step, 50 + (i % 2) * 10, 1000 + i * ms, over));
  ink.end();
}

describe('pressure', () => {
  it('takes a pen’s own reading, and none from a mouse or a touch screen that reports 0.5 or 1', () => {
    expect(reportsPressure({ pointerType: 'pen', pressure: 0.31 })).toBe(true);
    expect(reportsPressure({ pointerType: 'touch', pressure: 0.72 })).toBe(true);
    expect(reportsPressure({ pointerType: 'mouse', pressure: 0.8 })).toBe(false);
    expect(reportsPressure({ pointerType: 'touch', pressure: 0.5 })).toBe(false);
    expect(reportsPressure({ pointerType: 'touch', pressure: 1 })).toBe(false);
    expect(reportsPressure({ pointerType: 'pen', pressure: 0 })).toBe(false);
  });

  it('records the pen’s pressure point by point', () => {
    const ink = new InkRecorder();
    ink.begin(at(0, 0, 0, { pointerType: 'pen', pressure: 0.2 }));
    ink.add(at(5, 0, 8, { pointerType: 'pen', pressure: 0.9 }));
    expect(ink.strokes[0]!.map((p) => p[2])).toEqual([0.2, 0.9]);
  });

  it('simulates a thinner line for a fast mouse than for a slow one', () => {
    const slow = new InkRecorder();
    draw(slow, 40, 2, 16); // 0.125 px/ms
    const fast = new InkRecorder();
    draw(fast, 40, 40, 8); // 5 px/ms
    const last = (ink: InkRecorder) => ink.strokes[0]!.at(-1)![2];
    expect(last(fast)).toBeLessThan(0.4);
    expect(last(slow)).toBeGreaterThan(0.75); // 0.64 px/ms with the zigzag
    for (const ink of [slow, fast]) for (const [, , p] of ink.strokes[0]!) expect(p).toBeGreaterThanOrEqual(0);
  });
});

describe('points kept', () => {
  it('times points from the first pointer down, in whole ms, and skips points that do not move', () => {
    const ink = new InkRecorder();
    ink.begin(at(10, 10, 5000.4));
    expect(ink.add(at(10.2, 10.1, 5010))).toBe(false);
    expect(ink.add(at(14, 10, 5020.6))).toBe(true);
    ink.end();
    ink.begin(at(30, 30, 5400));
    expect(ink.strokes).toEqual([
      [
        [10, 10, 0.5, 0],
        [14, 10, expect.any(Number), 20],
      ],
      [[30, 30, 0.5, 400]],
    ]);
    expect(ink.drawing).toBe(true);
    ink.clear();
    expect(ink.strokes).toEqual([]);
    expect(ink.drawing).toBe(false);
  });

  it('stops at the caps the core checks, so what the pad hands over always parses', () => {
    const ink = new InkRecorder();
    draw(ink, SIGNATURE_LIMITS.pointsPerStroke + 50, 1, 1);
    expect(ink.strokes[0]).toHaveLength(SIGNATURE_LIMITS.pointsPerStroke);
    for (let i = 0; i < SIGNATURE_LIMITS.strokes + 5; i++) draw(ink, 300, 1, 1);
    expect(ink.strokes.length).toBeLessThanOrEqual(SIGNATURE_LIMITS.strokes);
    expect(ink.total()).toBeLessThanOrEqual(SIGNATURE_LIMITS.points);
    expect(SignatureInk.safeParse({ width: 800, height: 300, strokes: ink.strokes }).success).toBe(true);
  });

  it('gives a signature that passes the not-a-dot check, and a tap that does not', () => {
    const name = new InkRecorder();
    draw(name, 50, 6, 16);
    expect(isSignatureLongEnough(name.strokes)).toBe(true);
    const tap = new InkRecorder();
    tap.begin(at(100, 100, 0));
    tap.end();
    expect(isSignatureLongEnough(tap.strokes)).toBe(false);
  });
});

describe('ink and image', () => {
  it('outlines a stroke as a closed polygon around its points, wider where the pressure is higher', () => {
    const heavy = strokeOutline([
      [0, 0, 1, 0],
      [100, 0, 1, 100],
    ]);
    const light = strokeOutline([
      [0, 0, 0.1, 0],
      [100, 0, 0.1, 100],
    ]);
    const spread = (outline: Array<[number, number]>) =>
      Math.max(...outline.map(([, y]) => y)) - Math.min(...outline.map(([, y]) => y));
    expect(spread(heavy)).toBeGreaterThan(spread(light));
    expect(outlinePath(heavy)).toMatch(/^M[\d.-]+ [\d.-]+(L[\d.-]+ [\d.-]+)+Z$/);
    expect(outlinePath([])).toBe('');
  });

  it('crops the image to the ink with a margin, inside the pad', () => {
    const strokes: Array<Array<[number, number, number, number]>> = [
      [
        [100, 80, 0.5, 0],
        [300, 120, 0.5, 100],
      ],
    ];
    expect(cropBox(strokes, { width: 800, height: 300 })).toEqual({ x: 85, y: 65, width: 230, height: 70 });
    expect(cropBox([[[2, 2, 0.5, 0]]], { width: 800, height: 300 })).toEqual({ x: 0, y: 0, width: 17, height: 17 });
    expect(cropBox([], { width: 800, height: 300 })).toBeNull();
  });

  it('draws the PNG at the screen’s pixel ratio, between 1 and 2', () => {
    expect(imageScale(1)).toBe(1);
    expect(imageScale(1.5)).toBe(1.5);
    expect(imageScale(3)).toBe(2);
    expect(imageScale(0)).toBe(1);
  });
});
