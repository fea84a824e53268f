// The page detector on frames drawn by scenes.ts, where the page's true corners are known:
// angles either way, perspective, sizes up to a 3000×2000 still, a low-contrast desk, and
// frames with no page at all. Also that 50 detections leave opencv's heap where it was.
import { beforeAll, describe, expect, it } from 'vitest';
import { detectDocument, orderCorners } from '../../../../src-main/devices/doccam/detect.ts';
import type { Quad } from '../../../../src-main/devices/doccam/image.ts';
import { heapBytes, loadOpenCv, type OpenCv } from '../../../../src-main/devices/doccam/opencv.ts';
import { rectify } from '../../../../src-main/devices/doccam/rectify.ts';
import { type Placement, placePage, renderScene } from './scenes.ts';

let cv: OpenCv;
beforeAll(async () => {
  cv = await loadOpenCv();
});

/** A few pixels on a working-size frame, growing with the frame (detection runs scaled down). */
const tolerance = (width: number, height: number) => 2 + Math.max(width, height) / 1000;

function worstError(found: Quad, truth: Quad): number {
  return Math.max(...found.map((p, i) => Math.hypot(p.x - truth[i]!.x, p.y - truth[i]!.y)));
}

describe('detectDocument', () => {
  const cases: Array<Placement & { seed: number }> = [
    { width: 1600, height: 1200, angle: 0, seed: 1 },
    { width: 1600, height: 1200, angle: 7, tilt: 0.1, seed: 2 },
    { width: 1600, height: 1200, angle: -15, tilt: 0.15, seed: 3 },
    { width: 1280, height: 960, angle: 20, tilt: 0.05, size: 0.7, seed: 4 },
    { width: 1280, height: 960, angle: -5, tilt: 0.25, shift: { x: 0.1, y: -0.03 }, seed: 5 },
    { width: 960, height: 1280, angle: 12, size: 0.6, seed: 6 },
    { width: 640, height: 480, angle: 3, seed: 7 },
    { width: 3000, height: 2000, angle: 9, tilt: 0.12, seed: 8 },
  ];
  for (const placement of cases) {
    const { width, height, angle, tilt = 0 } = placement;
    it(`finds the corners of a page at ${angle}°, tilt ${tilt}, in a ${width}×${height} frame`, () => {
      const page = placePage(placement);
      const found = detectDocument(cv, renderScene(width, height, { page, seed: placement.seed }));
      expect(found).not.toBeNull();
      expect(worstError(found!.corners, page)).toBeLessThan(tolerance(width, height));
      expect(found!.confidence).toBeGreaterThan(0.9);
      const truthShare = Math.abs(
        page.reduce((s, p, i) => s + p.x * page[(i + 1) % 4]!.y - page[(i + 1) % 4]!.x * p.y, 0) / 2,
      );
      expect(found!.areaShare).toBeCloseTo(truthShare / (width * height), 2);
    });
  }

  it('finds a page on a desk only a little darker than the paper', () => {
    const page = placePage({ width: 1280, height: 960, angle: 11, tilt: 0.1 });
    const found = detectDocument(cv, renderScene(1280, 960, { page, paper: 175, desk: 120, noise: 8, seed: 11 }));
    expect(found).not.toBeNull();
    expect(worstError(found!.corners, page)).toBeLessThan(tolerance(1280, 960));
  });

  it('answers null for a frame of desk alone, and for noise alone', () => {
    expect(detectDocument(cv, renderScene(1600, 1200, { seed: 21 }))).toBeNull();
    const width = 800;
    const height = 600;
    const data = new Uint8ClampedArray(width * height * 4);
    let state = 7;
    for (let i = 0; i < data.length; i += 4) {
      state = (state * 1103515245 + 12345) >>> 0;
      data[i] = data[i + 1] = data[i + 2] = state >>> 24;
      data[i + 3] = 255;
    }
    expect(detectDocument(cv, { width, height, data })).toBeNull();
    expect(detectDocument(cv, { width, height, data: new Uint8ClampedArray(width * height * 4).fill(255) })).toBeNull();
  });

  it('answers null for a page covering less than the minimum share of the frame', () => {
    const page = placePage({ width: 1600, height: 1200, angle: 5, size: 0.35 });
    const frame = renderScene(1600, 1200, { page, seed: 31 });
    expect(detectDocument(cv, frame)).toBeNull();
    expect(detectDocument(cv, frame, { minAreaShare: 0.03 })).not.toBeNull();
  });

  it('refuses an image whose data does not match its size', () => {
    expect(() => detectDocument(cv, { width: 10, height: 10, data: new Uint8ClampedArray(10) })).toThrow(RangeError);
  });

  it('leaves opencv’s heap as it found it, 50 detections and rectifications later', () => {
    const page = placePage({ width: 1600, height: 1200, angle: 6, tilt: 0.1 });
    const frame = renderScene(1600, 1200, { page, seed: 41 });
    const run = () => {
      const found = detectDocument(cv, frame)!;
      rectify(cv, frame, found.corners, { mode: 'bw' });
    };
    for (let i = 0; i < 3; i++) run();
    const before = heapBytes(cv);
    // A leaked RGBA copy of this frame alone is 7.7 MB a run: 50 runs would grow the heap by ≥ 380 MB.
    for (let i = 0; i < 50; i++) run();
    expect(heapBytes(cv)).toBe(before);
  });
});

describe('orderCorners', () => {
  it('orders any four corners top-left, top-right, bottom-right, bottom-left', () => {
    const tl = { x: 10, y: 12 };
    const tr = { x: 100, y: 5 };
    const br = { x: 110, y: 140 };
    const bl = { x: 4, y: 130 };
    for (const shuffled of [
      [tl, tr, br, bl],
      [br, tl, bl, tr],
      [bl, br, tr, tl],
    ]) {
      expect(orderCorners(shuffled)).toEqual([tl, tr, br, bl]);
    }
  });
});
