// Corner arithmetic between the frames the capture screen handles: the small live frame
// the worker looks at, the full-resolution still, and the on-screen preview. Pure.
import type { Point, Quad } from '../../../src-main/devices/doccam/image.ts';

export interface Size {
  width: number;
  height: number;
}

/** A frame scaled so its long side is at most `longSide` (never enlarged), whole pixels. */
export function fitWithin(size: Size, longSide: number): Size {
  const scale = Math.min(1, longSide / Math.max(size.width, size.height));
  return {
    width: Math.max(1, Math.round(size.width * scale)),
    height: Math.max(1, Math.round(size.height * scale)),
  };
}

/**
 * Corners found in a frame of size `from` moved to the same place in a frame of size `to`
 * (pixel centres map onto pixel centres, as in detect.ts).
 */
export function scaleQuad(quad: Quad, from: Size, to: Size): Quad {
  const sx = to.width / from.width;
  const sy = to.height / from.height;
  return quad.map((p) => ({ x: (p.x + 0.5) * sx - 0.5, y: (p.y + 0.5) * sy - 0.5 })) as unknown as Quad;
}

/** The whole frame as a page: what is filed when no page is found and the clerk keeps the frame. */
export function fullFrameQuad(size: Size): Quad {
  const r = size.width - 0.5;
  const b = size.height - 0.5;
  return [
    { x: -0.5, y: -0.5 },
    { x: r, y: -0.5 },
    { x: r, y: b },
    { x: -0.5, y: b },
  ];
}

/** A rectangle a share of the frame in from each side: where the clerk starts to set the corners by hand. */
export function insetQuad(size: Size, share = 0.1): Quad {
  const dx = size.width * share;
  const dy = size.height * share;
  return [
    { x: dx, y: dy },
    { x: size.width - 1 - dx, y: dy },
    { x: size.width - 1 - dx, y: size.height - 1 - dy },
    { x: dx, y: size.height - 1 - dy },
  ];
}

/** One corner moved by (dx, dy), kept inside the frame. */
export function moveCorner(quad: Quad, index: number, to: Point, size: Size): Quad {
  const next = [...quad] as Point[];
  next[index] = {
    x: Math.min(size.width - 0.5, Math.max(-0.5, to.x)),
    y: Math.min(size.height - 0.5, Math.max(-0.5, to.y)),
  };
  return next as unknown as Quad;
}

/** The corner nearest to `point` (for a pointer that grabs one). */
export function nearestCorner(quad: Quad, point: Point): number {
  let best = 0;
  for (let i = 1; i < 4; i++) {
    if (
      Math.hypot(quad[i]!.x - point.x, quad[i]!.y - point.y) <
      Math.hypot(quad[best]!.x - point.x, quad[best]!.y - point.y)
    ) {
      best = i;
    }
  }
  return best;
}

/** An SVG `points` attribute for the outline. */
export function svgPoints(quad: Quad): string {
  return quad.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
}

/** The farthest any corner of `a` lies from the same corner of `b`, as a share of the frame's diagonal. */
export function cornerShift(a: Quad, b: Quad, size: Size): number {
  const diagonal = Math.hypot(size.width, size.height);
  return Math.max(...a.map((p, i) => Math.hypot(p.x - b[i]!.x, p.y - b[i]!.y))) / diagonal;
}
