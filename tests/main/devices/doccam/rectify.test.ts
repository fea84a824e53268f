// Rectification and the quality check on generated frames: the page comes out upright with
// its own proportions (A4 stays 1:√2), grey is grey, black-and-white holds only black and
// white, a quarter turn swaps the sides; a blurred copy is called blurred, a lamp's
// reflection glare, and a clean capture ok.
import { beforeAll, describe, expect, it } from 'vitest';
import { detectDocument } from '../../../../src-main/devices/doccam/detect.ts';
import type { RgbaImage } from '../../../../src-main/devices/doccam/image.ts';
import { loadOpenCv, type OpenCv } from '../../../../src-main/devices/doccam/opencv.ts';
import { assessQuality } from '../../../../src-main/devices/doccam/quality.ts';
import { rectifiedSize, rectify } from '../../../../src-main/devices/doccam/rectify.ts';
import { A4, boxBlur, placePage, renderScene, withGlare } from './scenes.ts';

let cv: OpenCv;
beforeAll(async () => {
  cv = await loadOpenCv();
});

const page = placePage({ width: 1600, height: 1200, angle: -9, tilt: 0.12 });
const frame = renderScene(1600, 1200, { page, seed: 51 });

function levels(image: RgbaImage): Set<number> {
  const seen = new Set<number>();
  for (let i = 0; i < image.data.length; i += 4) seen.add(image.data[i]!);
  return seen;
}

describe('rectify', () => {
  it('sizes the output from the corner distances: the longer of each pair of opposite edges', () => {
    const size = rectifiedSize([
      { x: 10, y: 10 },
      { x: 110, y: 20 },
      { x: 120, y: 220 },
      { x: 0, y: 200 },
    ]);
    expect(size).toEqual({ width: Math.round(Math.hypot(120, 20)), height: Math.round(Math.hypot(10, 200)) });
  });

  it('straightens an A4 page seen at an angle and in perspective to about 1:√2, upright', () => {
    const found = detectDocument(cv, frame)!;
    const out = rectify(cv, frame, found.corners);
    expect(out.height / out.width).toBeGreaterThan(A4 * 0.97);
    expect(out.height / out.width).toBeLessThan(A4 * 1.03);
    expect(out.data.length).toBe(out.width * out.height * 4);
    // The first text bar sits near the top left: dark at 20 % across, 11 % down; the margin is paper.
    const at = (x: number, y: number) =>
      out.data[(Math.round(y * out.height) * out.width + Math.round(x * out.width)) * 4]!;
    expect(at(0.2, 0.107)).toBeLessThan(100);
    expect(at(0.05, 0.5)).toBeGreaterThan(180);
    expect(at(0.5, 0.95)).toBeGreaterThan(180);
  });

  it('makes grey pixels grey and black-and-white pixels black or white only', () => {
    const found = detectDocument(cv, frame)!;
    const grey = rectify(cv, frame, found.corners, { mode: 'grey' });
    for (let i = 0; i < grey.data.length; i += 4 * 97) {
      expect(grey.data[i]).toBe(grey.data[i + 1]);
      expect(grey.data[i]).toBe(grey.data[i + 2]);
    }
    const bw = rectify(cv, frame, found.corners, { mode: 'bw' });
    expect([...levels(bw)].sort((a, b) => a - b)).toEqual([0, 255]);
    let black = 0;
    for (let i = 0; i < bw.data.length; i += 4) if (bw.data[i] === 0) black++;
    // The bars (text) are black, the paper white: ink is a minority, but there is ink.
    expect(black / (bw.width * bw.height)).toBeGreaterThan(0.03);
    expect(black / (bw.width * bw.height)).toBeLessThan(0.25);
    for (let i = 3; i < bw.data.length; i += 4 * 101) expect(bw.data[i]).toBe(255);
  });

  it('turns by quarter turns: 90 and 270 swap width and height, 180 keeps them', () => {
    const found = detectDocument(cv, frame)!;
    const upright = rectify(cv, frame, found.corners);
    for (const rotate of [90, 270] as const) {
      const turned = rectify(cv, frame, found.corners, { rotate });
      expect([turned.width, turned.height]).toEqual([upright.height, upright.width]);
    }
    const half = rectify(cv, frame, found.corners, { rotate: 180 });
    expect([half.width, half.height]).toEqual([upright.width, upright.height]);
    // 180°: the first pixel is the last one of the upright page.
    expect(half.data.slice(0, 4)).toEqual(upright.data.slice(upright.data.length - 4));
  });
});

describe('assessQuality', () => {
  it('calls a clean capture ok', () => {
    const found = detectDocument(cv, frame)!;
    const quality = assessQuality(cv, rectify(cv, frame, found.corners));
    expect(quality.verdict).toBe('ok');
    expect(quality.glare).toBe(0);
  });

  it('calls a blurred copy blurred, on a large frame as on a small one', () => {
    for (const [width, height, radius] of [
      [1280, 960, 3],
      [2400, 1800, 5],
    ] as const) {
      const placed = placePage({ width, height, angle: 6, tilt: 0.1 });
      const blurred = boxBlur(renderScene(width, height, { page: placed, seed: 61 }), radius);
      const found = detectDocument(cv, blurred);
      expect(found, `${width}×${height}`).not.toBeNull();
      expect(assessQuality(cv, rectify(cv, blurred, found!.corners)).verdict).toBe('blurred');
    }
  });

  it('calls a page with a saturated reflection glare, but not one with a few bright specks', () => {
    const glaring = withGlare(frame, { x: 800, y: 600 }, 70);
    const found = detectDocument(cv, glaring)!;
    const quality = assessQuality(cv, rectify(cv, glaring, found.corners));
    expect(quality.verdict).toBe('glare');
    expect(quality.glare).toBeGreaterThan(0.01);

    let specks = frame;
    for (let i = 0; i < 20; i++) specks = withGlare(specks, { x: 600 + 20 * i, y: 500 + 9 * i }, 1.5);
    const speckled = detectDocument(cv, specks)!;
    expect(assessQuality(cv, rectify(cv, specks, speckled.corners)).verdict).toBe('ok');
  });
});
