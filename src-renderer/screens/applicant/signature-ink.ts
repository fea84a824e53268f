// The signature pad's decisions, outside React and the canvas so they are tested on their
// own: which points a stroke keeps (within the caps of common/signature.ts), the pressure
// of each (the device's where a pen or a touch screen reports one, else one simulated from
// the speed, as a pen's line thins when it moves fast), the ink's outline (perfect-freehand)
// and the box the PNG is cropped to.
import { getStroke } from 'perfect-freehand';
import {
  inkBounds,
  pointCount,
  SIGNATURE_LIMITS,
  type SignaturePoint,
  type SignatureStroke,
} from '../../../src-main/common/signature.ts';

/** What the pad reads of a pointer event. */
export interface PointerSample {
  x: number;
  y: number;
  /** PointerEvent.pressure: 0.5 for a pressed mouse button, the device's reading for most pens. */
  pressure: number;
  pointerType: string;
  /** ms (event.timeStamp). */
  time: number;
}

/** Closer than this (CSS px) to the last kept point, a point adds nothing but bytes. */
const MIN_STEP = 0.75;
/** Simulated pressure: how fast (px/ms) a line is at its thinnest, and how much the last pressure carries over. */
const FAST = 2.5;
const CARRY = 0.7;

/**
 * Whether the device reports a real pressure. A mouse always says 0.5 while pressed; touch
 * screens without pressure say 0.5 or 1 (and 0 on some); a pen's reading varies.
 */
export function reportsPressure(sample: Pick<PointerSample, 'pointerType' | 'pressure'>): boolean {
  if (sample.pointerType === 'mouse') return false;
  return sample.pressure > 0 && sample.pressure !== 0.5 && sample.pressure !== 1;
}

/** The strokes being drawn, point by point, capped as the core caps them. */
export class InkRecorder {
  readonly strokes: SignaturePoint[][] = [];
  private origin: number | null = null;
  private current: SignaturePoint[] | null = null;
  private lastTime = 0;

  /** Pointer down: a new stroke (ignored when the caps are reached). */
  begin(sample: PointerSample): void {
    if (this.strokes.length >= SIGNATURE_LIMITS.strokes || this.total() >= SIGNATURE_LIMITS.points) {
      this.current = null;
      return;
    }
    this.origin ??= sample.time;
    this.current = [];
    this.strokes.push(this.current);
    this.keep(sample, reportsPressure(sample) ? sample.pressure : 0.5);
  }

  /** Pointer move while down: the point, unless it is too near the last or a cap is reached. */
  add(sample: PointerSample): boolean {
    const stroke = this.current;
    if (!stroke) return false;
    const last = stroke.at(-1)!;
    const distance = Math.hypot(sample.x - last[0], sample.y - last[1]);
    if (distance < MIN_STEP) return false;
    if (stroke.length >= SIGNATURE_LIMITS.pointsPerStroke || this.total() >= SIGNATURE_LIMITS.points) return false;
    let pressure: number;
    if (reportsPressure(sample)) pressure = sample.pressure;
    else {
      const elapsed = Math.max(1, sample.time - this.lastTime);
      const target = 1 - Math.min(1, distance / elapsed / FAST) * 0.75;
      pressure = CARRY * last[2] + (1 - CARRY) * target;
    }
    this.keep(sample, pressure);
    return true;
  }

  /** Pointer up or cancelled: the stroke is done. */
  end(): void {
    this.current = null;
  }

  get drawing(): boolean {
    return this.current !== null;
  }

  clear(): void {
    this.strokes.length = 0;
    this.current = null;
    this.origin = null;
  }

  total(): number {
    return pointCount(this.strokes);
  }

  private keep(sample: PointerSample, pressure: number): void {
    const round = (n: number) => Math.round(n * 100) / 100;
    const t = Math.max(0, Math.round(sample.time - (this.origin ?? sample.time)));
    this.current!.push([round(sample.x), round(sample.y), round(Math.min(1, Math.max(0, pressure))), t]);
    this.lastTime = sample.time;
  }
}

/** The ink's width in CSS px at full pressure. */
export const INK_SIZE = 6;

/** The outline of one stroke as a closed polygon (perfect-freehand), to fill. */
export function strokeOutline(stroke: SignatureStroke, size = INK_SIZE, finished = true): Array<[number, number]> {
  return getStroke(
    stroke.map(([x, y, pressure]) => [x, y, pressure]),
    {
      size,
      thinning: 0.6,
      smoothing: 0.5,
      streamline: 0.4,
      simulatePressure: false,
      last: finished,
    },
  ) as Array<[number, number]>;
}

/** An SVG path of a polygon (Path2D takes it too). */
export function outlinePath(points: ReadonlyArray<readonly [number, number]>): string {
  if (points.length === 0) return '';
  const [first, ...rest] = points;
  return `M${first![0].toFixed(2)} ${first![1].toFixed(2)}${rest.map(([x, y]) => `L${x.toFixed(2)} ${y.toFixed(2)}`).join('')}Z`;
}

/**
 * The box the PNG is cropped to, in CSS px of the pad: the ink with a margin (and half the
 * ink's width, which reaches past the points), kept inside the pad; whole pixels.
 */
export function cropBox(
  strokes: readonly SignatureStroke[],
  pad: { width: number; height: number },
  margin = 12,
): { x: number; y: number; width: number; height: number } | null {
  const bounds = inkBounds(strokes);
  if (!bounds) return null;
  const reach = margin + INK_SIZE / 2;
  const x = Math.max(0, Math.floor(bounds.minX - reach));
  const y = Math.max(0, Math.floor(bounds.minY - reach));
  const right = Math.min(pad.width, Math.ceil(bounds.maxX + reach));
  const bottom = Math.min(pad.height, Math.ceil(bounds.maxY + reach));
  return { x, y, width: Math.max(1, right - x), height: Math.max(1, bottom - y) };
}

/**
 * The PNG's scale over CSS px: sharp enough to print on the receipt's line (a 1920 px wide
 * signature at 2× is still tens of kilobytes of two-colour ink), never above 2.
 */
export function imageScale(devicePixelRatio: number): number {
  return Math.min(2, Math.max(1, devicePixelRatio || 1));
}
