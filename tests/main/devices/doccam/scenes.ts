// Camera frames the doccam tests (and the bench) draw themselves, so no binary fixture is
// committed: a darker, textured and noisy desk, and on it a light page with dark text-like
// bars, rotated and seen in perspective. The page is drawn through the inverse of the
// homography from the page's own square to its corners in the frame, so every frame pixel
// whose centre lies inside the quad is paper and the quad's corners are the exact truth.
import type { Point, Quad, RgbaImage } from '../../../../src-main/devices/doccam/image.ts';

/** The ratio of A4's sides, √2. */
export const A4 = Math.SQRT2;

export interface Placement {
  /** Frame size. */
  width: number;
  height: number;
  /** Degrees, clockwise on screen. */
  angle: number;
  /** The page's long side as a share of the frame's short side. */
  size?: number;
  /** Long side / short side of the page (default A4); the page stands upright (portrait). */
  aspect?: number;
  /** 0–0.3: how much narrower the page's far (top) edge looks than its near edge. */
  tilt?: number;
  /** Offset of the page's centre from the frame's centre, as shares of the frame. */
  shift?: Point;
}

/** A portrait page's corners (top-left, top-right, bottom-right, bottom-left) in the frame. */
export function placePage(placement: Placement): Quad {
  const { width, height, angle } = placement;
  const aspect = placement.aspect ?? A4;
  const long = (placement.size ?? 0.8) * Math.min(width, height);
  const w = long / aspect;
  const h = long;
  const tilt = placement.tilt ?? 0;
  const local: Point[] = [
    { x: (-w / 2) * (1 - tilt), y: -h / 2 },
    { x: (w / 2) * (1 - tilt), y: -h / 2 },
    { x: w / 2, y: h / 2 },
    { x: -w / 2, y: h / 2 },
  ];
  const r = (angle * Math.PI) / 180;
  const cx = width / 2 + (placement.shift?.x ?? 0) * width;
  const cy = height / 2 + (placement.shift?.y ?? 0) * height;
  return local.map((p) => ({
    x: cx + p.x * Math.cos(r) - p.y * Math.sin(r),
    y: cy + p.x * Math.sin(r) + p.y * Math.cos(r),
  })) as unknown as Quad;
}

export interface SceneOptions {
  /** The page's corners in the frame; none: the desk alone. */
  page?: Quad;
  seed?: number;
  /** Grey level of the paper (default 228) and of the desk's middle (default 85). */
  paper?: number;
  desk?: number;
  /** Per-pixel noise amplitude, ± levels (default 12 on the desk, a third of it on paper). */
  noise?: number;
}

/** A seeded generator, so a frame is the same on every run. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Text-like bars on the page, in page coordinates (0–1 across, 0–1 down). */
function bars(seed: number): Array<{ x0: number; x1: number; y0: number; y1: number }> {
  const next = random(seed ^ 0x5eed);
  const out = [];
  for (let y = 0.1; y < 0.88; y += 0.035) {
    if (next() < 0.15) continue;
    const x1 = 0.12 + 0.76 * (0.4 + 0.6 * next());
    out.push({ x0: 0.12, x1, y0: y, y1: y + 0.014 });
  }
  return out;
}

export function renderScene(width: number, height: number, options: SceneOptions = {}): RgbaImage {
  const seed = options.seed ?? 1;
  const next = random(seed);
  const paper = options.paper ?? 228;
  const desk = options.desk ?? 85;
  const noise = options.noise ?? 12;
  const data = new Uint8ClampedArray(width * height * 4);
  // The desk: wood-like stripes and noise, slightly warm.
  const phase = next() * 10;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const grain = 14 * Math.sin((x + 0.3 * y) / (width / 40) + phase) + 6 * Math.sin(y / (height / 7));
      const v = desk + grain + (next() * 2 - 1) * noise;
      const i = (y * width + x) * 4;
      data[i] = v + 12;
      data[i + 1] = v;
      data[i + 2] = v - 10;
      data[i + 3] = 255;
    }
  }
  if (options.page) drawPage(data, width, height, options.page, paper, noise / 3, bars(seed), next);
  return { width, height, data };
}

function drawPage(
  data: Uint8ClampedArray,
  width: number,
  height: number,
  quad: Quad,
  paper: number,
  noise: number,
  text: ReturnType<typeof bars>,
  next: () => number,
): void {
  const inverse = homography(quad, [
    { x: 0, y: 0 },
    { x: 1, y: 0 },
    { x: 1, y: 1 },
    { x: 0, y: 1 },
  ]);
  const xs = quad.map((p) => p.x);
  const ys = quad.map((p) => p.y);
  const x0 = Math.max(0, Math.floor(Math.min(...xs)));
  const x1 = Math.min(width - 1, Math.ceil(Math.max(...xs)));
  const y0 = Math.max(0, Math.floor(Math.min(...ys)));
  const y1 = Math.min(height - 1, Math.ceil(Math.max(...ys)));
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const w = inverse[6]! * x + inverse[7]! * y + 1;
      const u = (inverse[0]! * x + inverse[1]! * y + inverse[2]!) / w;
      const v = (inverse[3]! * x + inverse[4]! * y + inverse[5]!) / w;
      if (u < 0 || u > 1 || v < 0 || v > 1) continue;
      const inked = text.some((b) => u >= b.x0 && u <= b.x1 && v >= b.y0 && v <= b.y1);
      const level = (inked ? 45 : paper) + (next() * 2 - 1) * noise;
      const i = (y * width + x) * 4;
      data[i] = level;
      data[i + 1] = level;
      data[i + 2] = level - 4;
    }
  }
}

/** The 3×3 homography (h33 = 1, row-major, 8 numbers) taking `from[i]` to `to[i]`. */
export function homography(from: readonly Point[], to: readonly Point[]): number[] {
  const rows: number[][] = [];
  for (let i = 0; i < 4; i++) {
    const { x, y } = from[i]!;
    const { x: u, y: v } = to[i]!;
    rows.push([x, y, 1, 0, 0, 0, -u * x, -u * y, u]);
    rows.push([0, 0, 0, x, y, 1, -v * x, -v * y, v]);
  }
  // Gaussian elimination with partial pivoting on the 8×9 augmented matrix.
  for (let c = 0; c < 8; c++) {
    let pivot = c;
    for (let r = c + 1; r < 8; r++) if (Math.abs(rows[r]![c]!) > Math.abs(rows[pivot]![c]!)) pivot = r;
    [rows[c], rows[pivot]] = [rows[pivot]!, rows[c]!];
    for (let r = 0; r < 8; r++) {
      if (r === c) continue;
      const f = rows[r]![c]! / rows[c]![c]!;
      for (let k = c; k < 9; k++) rows[r]![k]! -= f * rows[c]![k]!;
    }
  }
  return rows.map((row, i) => row[8]! / row[i]!);
}

/** A printed code's modules (QR, Data Matrix, the bars of a linear code): `dark(col, row)`. */
export interface Modules {
  width: number;
  height: number;
  dark(col: number, row: number): boolean;
}

/** Where a code is printed, in page units (0–1 across and down): its left, top and width across (quiet zone included). */
export interface CodePlacement {
  u: number;
  v: number;
  size: number;
  /** The white margin around it, in modules (default 3). */
  quiet?: number;
}

/**
 * A code's modules painted onto the page lying at `page` in `image` (through the page's
 * homography), with its white quiet zone; modules are square on a page of `aspect`
 * (height / width, A4 by default). Ink 30, paper 232, as a laser print photographs.
 */
export function paintCode(image: RgbaImage, page: Quad, modules: Modules, at: CodePlacement, aspect = A4): void {
  const quiet = at.quiet ?? 3;
  const spanX = modules.width + 2 * quiet;
  const moduleU = at.size / spanX;
  const moduleV = moduleU / aspect;
  const toPage = homography(page, [
    { x: 0, y: 0 },
    { x: 1, y: 0 },
    { x: 1, y: 1 },
    { x: 0, y: 1 },
  ]);
  const { width, height, data } = image;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const w = toPage[6]! * x + toPage[7]! * y + 1;
      const u = (toPage[0]! * x + toPage[1]! * y + toPage[2]!) / w;
      const v = (toPage[3]! * x + toPage[4]! * y + toPage[5]!) / w;
      const col = Math.floor((u - at.u) / moduleU) - quiet;
      const row = Math.floor((v - at.v) / moduleV) - quiet;
      if (col < -quiet || row < -quiet || col >= modules.width + quiet || row >= modules.height + quiet) continue;
      const inside = col >= 0 && row >= 0 && col < modules.width && row < modules.height;
      const level = inside && modules.dark(col, row) ? 30 : 232;
      const i = (y * width + x) * 4;
      data[i] = level;
      data[i + 1] = level;
      data[i + 2] = level - 4;
    }
  }
}

/** A box blur of radius `r` (a (2r+1)² mean), the blurred copy a shaky hand gives. */
export function boxBlur(image: RgbaImage, r: number): RgbaImage {
  const { width, height } = image;
  const pass = (src: Uint8ClampedArray, horizontal: boolean) => {
    const out = new Uint8ClampedArray(src.length);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        for (let c = 0; c < 4; c++) {
          let sum = 0;
          let n = 0;
          for (let k = -r; k <= r; k++) {
            const xx = horizontal ? x + k : x;
            const yy = horizontal ? y : y + k;
            if (xx < 0 || yy < 0 || xx >= width || yy >= height) continue;
            sum += src[(yy * width + xx) * 4 + c]!;
            n++;
          }
          out[(y * width + x) * 4 + c] = sum / n;
        }
      }
    }
    return out;
  };
  return { width, height, data: pass(pass(image.data, true), false) };
}

/** A saturated, soft-edged glare blob (a lamp's reflection) painted onto a copy of `image`. */
export function withGlare(image: RgbaImage, centre: Point, radius: number): RgbaImage {
  const data = new Uint8ClampedArray(image.data);
  for (
    let y = Math.max(0, Math.floor(centre.y - radius * 1.5));
    y < Math.min(image.height, centre.y + radius * 1.5);
    y++
  ) {
    for (
      let x = Math.max(0, Math.floor(centre.x - radius * 1.5));
      x < Math.min(image.width, centre.x + radius * 1.5);
      x++
    ) {
      const d = Math.hypot(x - centre.x, y - centre.y) / radius;
      const i = (y * image.width + x) * 4;
      const mix = d <= 1 ? 1 : Math.max(0, 1.5 - d) * 2;
      for (let c = 0; c < 3; c++) data[i + c] = data[i + c]! * (1 - mix) + 255 * mix;
    }
  }
  return { width: image.width, height: image.height, data };
}
