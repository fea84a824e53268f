// The document detector: where a page lies in a camera frame, as its four corners. Pure
// computation on opencv.js (no Node import): the same module runs in Node (the CLI, tests,
// bench) and, later, in the renderer's Web Worker on live frames.
//
// How: the frame is turned grey and scaled down to a working copy (≤ 1000 px on its long
// side: detection time then hardly depends on the camera), blurred, and two masks are
// made of it: the bright region (Otsu's threshold: a light page on a darker desk) and the
// edges (Canny, dilated to close small gaps: a page on a desk of a similar brightness).
// Every outer contour of either mask large enough to be a page is reduced to its convex
// hull and approximated by a polygon (approxPolyDP); a convex four-corner polygon with
// sensible angles is a candidate, and the one that is largest and best filled wins. Its
// sides are then refitted to the contour's own points (a least-squares line per side,
// corners where neighbouring lines meet) for sub-pixel corners, and mapped back to the
// frame's pixels.
//
// Invariants (tests/main/devices/doccam/detect.test.ts breaks them on purpose):
// - corners are in frame pixels, ordered top-left, top-right, bottom-right, bottom-left
//   (clockwise on screen), whatever the page's rotation or the frame's size;
// - no page → null: a frame of desk or noise alone, or an outline covering less than
//   `minAreaShare` of the frame, is never reported as a page;
// - every cv.Mat made here is deleted before the function returns, whatever happens.
import { checkImage, type Point, type Quad, type RgbaImage } from './image.ts';
import { type OpenCv, withMats } from './opencv.ts';

export interface DetectOptions {
  /** Long side of the working copy, in pixels (default 1000). */
  workingSize?: number;
  /** The smallest share of the frame a page may cover (default 0.15). */
  minAreaShare?: number;
}

/** A page found in a frame. */
export interface Detection {
  /** Frame pixels; top-left, top-right, bottom-right, bottom-left. */
  corners: Quad;
  /** The page's share of the frame's area, 0–1. */
  areaShare: number;
  /** 0–1: how completely the outline found fills its four-corner polygon (1: a clean page edge). */
  confidence: number;
}

const DEFAULT_WORKING_SIZE = 1000;
const DEFAULT_MIN_AREA_SHARE = 0.15;
/** Interior angles a photographed page can have: a rectangle under moderate perspective. */
const MIN_ANGLE = 45;
const MAX_ANGLE = 135;

interface Candidate {
  quad: Quad;
  area: number;
  fill: number;
  points: Point[];
  /** How far the mask's outline lies outside the true edge, in working pixels (see `refine`). */
  outset: number;
}

export function detectDocument(cv: OpenCv, image: RgbaImage, options: DetectOptions = {}): Detection | null {
  checkImage(image);
  const workingSize = options.workingSize ?? DEFAULT_WORKING_SIZE;
  const minAreaShare = options.minAreaShare ?? DEFAULT_MIN_AREA_SHARE;
  return withMats((keep) => {
    const small = keep(workingGrey(cv, image, workingSize, keep));
    const blurred = keep(new cv.Mat());
    cv.GaussianBlur(small, blurred, new cv.Size(5, 5), 0);
    const frameArea = small.cols * small.rows;

    const bright = keep(new cv.Mat());
    cv.threshold(blurred, bright, 0, 255, cv.THRESH_BINARY + cv.THRESH_OTSU);
    const kernel = keep(cv.getStructuringElement(cv.MORPH_RECT, new cv.Size(5, 5)));
    cv.morphologyEx(bright, bright, cv.MORPH_OPEN, kernel);
    cv.morphologyEx(bright, bright, cv.MORPH_CLOSE, kernel);

    const edges = keep(new cv.Mat());
    cv.Canny(blurred, edges, 40, 120);
    const small3 = keep(cv.getStructuringElement(cv.MORPH_RECT, new cv.Size(3, 3)));
    cv.dilate(edges, edges, small3);

    // Otsu's boundary pixels are the page's outermost bright pixels: the edge lies half a
    // pixel further out. The dilated Canny outline lies about a pixel outside the edge.
    const candidates = [
      ...candidatesOf(cv, bright, frameArea * minAreaShare, 0.5, keep),
      ...candidatesOf(cv, edges, frameArea * minAreaShare, -1, keep),
    ].filter((c) => !isFrameBorder(c.quad, small.cols, small.rows));
    if (candidates.length === 0) return null;
    const best = candidates.reduce((a, b) => (b.area * b.fill > a.area * a.fill ? b : a));
    const refined = refine(best.points, best.quad, best.outset);
    const sx = small.cols / image.width;
    const sy = small.rows / image.height;
    const corners = refined.map((p) => ({
      x: clamp((p.x + 0.5) / sx - 0.5, 0, image.width - 1),
      y: clamp((p.y + 0.5) / sy - 0.5, 0, image.height - 1),
    })) as unknown as Quad;
    return {
      corners,
      areaShare: Math.min(1, polygonArea(corners) / (image.width * image.height)),
      confidence: Math.min(1, best.fill),
    };
  });
}

/** The frame in grey, scaled (area-averaged) so its long side is at most `workingSize`. */
function workingGrey(
  cv: OpenCv,
  image: RgbaImage,
  workingSize: number,
  keep: <M extends { delete(): void }>(mat: M) => M,
): InstanceType<OpenCv['Mat']> {
  const rgba = keep(cv.matFromImageData(image));
  const grey = keep(new cv.Mat());
  cv.cvtColor(rgba, grey, cv.COLOR_RGBA2GRAY);
  const scale = Math.min(1, workingSize / Math.max(image.width, image.height));
  const small = new cv.Mat();
  if (scale < 1) {
    const size = new cv.Size(
      Math.max(1, Math.round(image.width * scale)),
      Math.max(1, Math.round(image.height * scale)),
    );
    cv.resize(grey, small, size, 0, 0, cv.INTER_AREA);
  } else {
    grey.copyTo(small);
  }
  return small;
}

function candidatesOf(
  cv: OpenCv,
  mask: InstanceType<OpenCv['Mat']>,
  minArea: number,
  outset: number,
  keep: <M extends { delete(): void }>(mat: M) => M,
): Candidate[] {
  const contours = keep(new cv.MatVector());
  const hierarchy = keep(new cv.Mat());
  cv.findContours(mask, contours, hierarchy, cv.RETR_EXTERNAL, cv.CHAIN_APPROX_NONE);
  const found: Candidate[] = [];
  for (let i = 0; i < contours.size(); i++) {
    const contour = keep(contours.get(i));
    const hull = keep(new cv.Mat());
    cv.convexHull(contour, hull, false, true);
    if (cv.contourArea(hull) < minArea) continue;
    const perimeter = cv.arcLength(hull, true);
    const approx = keep(new cv.Mat());
    // The loosest tolerance first would cut a corner off; the tightest keeps a rounded
    // corner's extra points. Take the first tolerance that leaves four.
    let quad: Quad | undefined;
    for (const share of [0.01, 0.02, 0.03, 0.05]) {
      cv.approxPolyDP(hull, approx, share * perimeter, true);
      if (approx.rows === 4 && cv.isContourConvex(approx)) {
        quad = orderCorners(pointsOf(approx));
        break;
      }
      if (approx.rows < 4) break;
    }
    if (!quad || !sensibleAngles(quad)) continue;
    const area = polygonArea(quad);
    if (area < minArea) continue;
    found.push({ quad, area, fill: cv.contourArea(contour) / area, points: pointsOf(contour), outset });
  }
  return found;
}

function pointsOf(mat: InstanceType<OpenCv['Mat']>): Point[] {
  const data = mat.data32S;
  const points: Point[] = [];
  for (let i = 0; i + 1 < data.length; i += 2) points.push({ x: data[i]!, y: data[i + 1]! });
  return points;
}

/** Four points as top-left, top-right, bottom-right, bottom-left. */
export function orderCorners(points: readonly Point[]): Quad {
  if (points.length !== 4) throw new RangeError(`a page has 4 corners, not ${points.length}`);
  const cx = points.reduce((s, p) => s + p.x, 0) / 4;
  const cy = points.reduce((s, p) => s + p.y, 0) / 4;
  // With y pointing down, a growing atan2 turns clockwise on screen.
  const around = [...points].sort((a, b) => Math.atan2(a.y - cy, a.x - cx) - Math.atan2(b.y - cy, b.x - cx));
  let start = 0;
  for (let i = 1; i < 4; i++) if (around[i]!.x + around[i]!.y < around[start]!.x + around[start]!.y) start = i;
  return [0, 1, 2, 3].map((k) => around[(start + k) % 4]!) as unknown as Quad;
}

function sensibleAngles(quad: Quad): boolean {
  for (let i = 0; i < 4; i++) {
    const p = quad[i]!;
    const a = quad[(i + 3) % 4]!;
    const b = quad[(i + 1) % 4]!;
    const angle = (Math.abs(Math.atan2(a.y - p.y, a.x - p.x) - Math.atan2(b.y - p.y, b.x - p.x)) * 180) / Math.PI;
    const interior = angle > 180 ? 360 - angle : angle;
    if (interior < MIN_ANGLE || interior > MAX_ANGLE) return false;
  }
  return true;
}

/** A polygon that runs along the frame's own border is the frame (a bright desk, a vignette), not a page. */
function isFrameBorder(quad: Quad, width: number, height: number): boolean {
  const margin = 2;
  return quad.every((p) => p.x <= margin || p.y <= margin || p.x >= width - 1 - margin || p.y >= height - 1 - margin);
}

export function polygonArea(points: readonly Point[]): number {
  let twice = 0;
  for (let i = 0; i < points.length; i++) {
    const a = points[i]!;
    const b = points[(i + 1) % points.length]!;
    twice += a.x * b.y - b.x * a.y;
  }
  return Math.abs(twice) / 2;
}

interface Line {
  /** A point on the line, and its unit direction. */
  px: number;
  py: number;
  dx: number;
  dy: number;
}

/**
 * Corners from the outline itself: each side's middle stretch of contour points (away from
 * the corners, which blur and dilation round off) gets a least-squares line, moved out by
 * `outset` pixels onto the true edge; neighbouring lines meet at the corners. The polygon
 * is kept as it is when a side has too few points or a corner would move implausibly far.
 */
function refine(points: readonly Point[], quad: Quad, outset: number): Quad {
  const cx = quad.reduce((s, p) => s + p.x, 0) / 4;
  const cy = quad.reduce((s, p) => s + p.y, 0) / 4;
  const lines: Line[] = [];
  for (let side = 0; side < 4; side++) {
    const a = quad[side]!;
    const b = quad[(side + 1) % 4]!;
    const length = Math.hypot(b.x - a.x, b.y - a.y);
    const ux = (b.x - a.x) / length;
    const uy = (b.y - a.y) / length;
    const band = Math.max(2, 0.01 * length);
    const near = points.filter((p) => {
      const along = (p.x - a.x) * ux + (p.y - a.y) * uy;
      const across = (p.x - a.x) * uy - (p.y - a.y) * ux;
      return along > 0.1 * length && along < 0.9 * length && Math.abs(across) <= band;
    });
    if (near.length < 8) return quad;
    const line = fitLine(near);
    // Normal pointing away from the page's centre.
    let nx = -line.dy;
    let ny = line.dx;
    if ((line.px - cx) * nx + (line.py - cy) * ny < 0) {
      nx = -nx;
      ny = -ny;
    }
    lines.push({ ...line, px: line.px + outset * nx, py: line.py + outset * ny });
  }
  const corners: Point[] = [];
  const limit = 0.03 * Math.hypot(quad[2].x - quad[0].x, quad[2].y - quad[0].y) + 2;
  for (let i = 0; i < 4; i++) {
    const corner = intersect(lines[(i + 3) % 4]!, lines[i]!);
    if (!corner || Math.hypot(corner.x - quad[i]!.x, corner.y - quad[i]!.y) > limit) return quad;
    corners.push(corner);
  }
  return corners as unknown as Quad;
}

/** Total least squares: through the centroid, along the points' principal direction. */
function fitLine(points: readonly Point[]): Line {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (const p of points) {
    sxx += (p.x - mx) ** 2;
    syy += (p.y - my) ** 2;
    sxy += (p.x - mx) * (p.y - my);
  }
  const theta = 0.5 * Math.atan2(2 * sxy, sxx - syy);
  return { px: mx, py: my, dx: Math.cos(theta), dy: Math.sin(theta) };
}

function intersect(a: Line, b: Line): Point | undefined {
  const det = a.dx * b.dy - a.dy * b.dx;
  if (Math.abs(det) < 1e-6) return undefined;
  const t = ((b.px - a.px) * b.dy - (b.py - a.py) * b.dx) / det;
  return { x: a.px + t * a.dx, y: a.py + t * a.dy };
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
