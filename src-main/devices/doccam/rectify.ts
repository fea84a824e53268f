// The page, straightened: the four corners found by detect.ts (or dragged by the clerk)
// mapped onto an upright rectangle (a perspective transform), in colour, grey, or black
// and white, and turned by quarter turns. Pure computation on opencv.js; no Node import.
//
// Invariants (tests/main/devices/doccam/rectify.test.ts):
// - the output's width is the longer of the quad's top and bottom edges and its height the
//   longer of its left and right edges (rounded), so the page keeps its own proportions
//   and is never scaled down; a quarter turn swaps the two;
// - grey output has R = G = B; black-and-white output holds only 0 and 255;
// - the output is RGBA with alpha 255, and every cv.Mat made here is deleted.
import { checkImage, distance, type Quad, type RgbaImage } from './image.ts';
import { type OpenCv, withMats } from './opencv.ts';

/** colour: as captured; grey: luminance; bw: black text on white paper (adaptive threshold). */
export type ColourMode = 'colour' | 'grey' | 'bw';
export const COLOUR_MODES: readonly ColourMode[] = ['colour', 'grey', 'bw'];

/** Quarter turns clockwise. */
export type Rotation = 0 | 90 | 180 | 270;

/** Output pixels trimmed off each side: the blend of paper and desk at the page's edge. */
const EDGE_TRIM = 1;

export interface RectifyOptions {
  mode?: ColourMode;
  rotate?: Rotation;
}

/** Width and height of the straightened page for these corners (before any turn). */
export function rectifiedSize(corners: Quad): { width: number; height: number } {
  const [tl, tr, br, bl] = corners;
  return {
    width: Math.max(1, Math.round(Math.max(distance(tl, tr), distance(bl, br)))),
    height: Math.max(1, Math.round(Math.max(distance(tl, bl), distance(tr, br)))),
  };
}

export function rectify(cv: OpenCv, image: RgbaImage, corners: Quad, options: RectifyOptions = {}): RgbaImage {
  checkImage(image);
  const mode = options.mode ?? 'colour';
  const rotation = options.rotate ?? 0;
  const { width, height } = rectifiedSize(corners);
  return withMats((keep) => {
    const source = keep(cv.matFromImageData(image));
    const from = keep(
      cv.matFromArray(
        4,
        1,
        cv.CV_32FC2,
        corners.flatMap((p) => [p.x, p.y]),
      ),
    );
    // The corners lie on the page's edge, where paper and desk blend: they go to the output's
    // outer pixel edges pushed out by EDGE_TRIM, so the outermost pixels are paper.
    const [lo, right, bottom] = [-0.5 - EDGE_TRIM, width - 0.5 + EDGE_TRIM, height - 0.5 + EDGE_TRIM];
    const to = keep(cv.matFromArray(4, 1, cv.CV_32FC2, [lo, lo, right, lo, right, bottom, lo, bottom]));
    const transform = keep(cv.getPerspectiveTransform(from, to));
    let page = keep(new cv.Mat());
    cv.warpPerspective(source, page, transform, new cv.Size(width, height), cv.INTER_LINEAR, cv.BORDER_REPLICATE);
    if (mode !== 'colour') {
      const grey = keep(new cv.Mat());
      cv.cvtColor(page, grey, cv.COLOR_RGBA2GRAY);
      if (mode === 'bw') binarise(cv, grey, keep);
      page = keep(new cv.Mat());
      cv.cvtColor(grey, page, cv.COLOR_GRAY2RGBA);
    }
    if (rotation !== 0) {
      const turned = keep(new cv.Mat());
      const code = { 90: cv.ROTATE_90_CLOCKWISE, 180: cv.ROTATE_180, 270: cv.ROTATE_90_COUNTERCLOCKWISE }[rotation];
      cv.rotate(page, turned, code);
      page = turned;
    }
    return { width: page.cols, height: page.rows, data: new Uint8ClampedArray(page.data) };
  });
}

/**
 * Text on paper to black on white, in place. A global threshold fails under the uneven light
 * of a desk lamp; an adaptive one compares each pixel with its neighbourhood's mean (a box
 * filter, whose cost does not grow with the neighbourhood as a Gaussian's does):
 * the neighbourhood spans a few text lines (1/16 of the page's short side, wider than a
 * heading's strokes, so they stay solid), and a pixel
 * must be clearly darker than it (by C) to be ink, so the paper's grain stays white.
 */
function binarise(
  cv: OpenCv,
  grey: InstanceType<OpenCv['Mat']>,
  keep: <M extends { delete(): void }>(mat: M) => M,
): void {
  const smooth = keep(new cv.Mat());
  cv.medianBlur(grey, smooth, 3);
  const short = Math.min(grey.cols, grey.rows);
  const block = Math.min(255, Math.max(25, Math.round(short / 16))) | 1;
  cv.adaptiveThreshold(smooth, grey, 255, cv.ADAPTIVE_THRESH_MEAN_C, cv.THRESH_BINARY, block, 15);
}
