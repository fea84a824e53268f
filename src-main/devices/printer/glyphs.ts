// Text glyphs for the simulator's PNG: a character's outline from Noto Serif SC (the
// documents' main face, the npm package @expo-google-fonts/noto-serif-sc; named here
// again because devices/ may not import documents/), flattened to polygons and filled
// by scanline (non-zero winding), sampled at pixel centres. A thermal printer's bitmap
// font looks different; what matters for a preview is that the words can be read. A
// character the face lacks, or a face that cannot be loaded, is drawn as its cell's box.
import { createRequire } from 'node:module';
import * as fontkit from 'fontkit';

const FONT_FILE = '@expo-google-fonts/noto-serif-sc/400Regular/NotoSerifSC_400Regular.ttf';
const require = createRequire(import.meta.url);

let font: fontkit.Font | null | undefined;

/** The face, read on first use (about 15 MB, a second); null when it cannot be read. */
function face(): fontkit.Font | null {
  if (font !== undefined) return font;
  try {
    const opened = fontkit.openSync(require.resolve(FONT_FILE));
    font = 'glyphForCodePoint' in opened ? opened : null;
  } catch {
    font = null;
  }
  return font;
}

type Point = [number, number];

/**
 * Fills `set(x, y)` for the dots of `char` drawn in the cell at (x, y) of w × h dots;
 * answers false when the face has no such glyph (the caller draws a box).
 */
export function drawGlyph(
  char: string,
  cell: { x: number; y: number; w: number; h: number },
  set: (x: number, y: number) => void,
  bold = false,
): boolean {
  const f = face();
  if (!f) return false;
  const glyph = f.glyphForCodePoint(char.codePointAt(0)!);
  if (!glyph || glyph.id === 0) return false;
  // One em is the cell's height; a glyph wider than its cell (a Latin m in 12 dots) is narrowed to fit.
  const scale = cell.h / f.unitsPerEm;
  const sx = glyph.advanceWidth > 0 ? Math.min(scale, cell.w / glyph.advanceWidth) : scale;
  const dx = cell.x + (cell.w - glyph.advanceWidth * sx) / 2;
  const baseline = cell.y + cell.h * 0.86;
  const map = (x: number, y: number): Point => [dx + x * sx, baseline - y * scale];

  const polygons: Point[][] = [];
  let current: Point[] = [];
  let last: Point = [0, 0];
  for (const command of glyph.path.commands) {
    const a = command.args;
    if (command.command === 'moveTo') {
      if (current.length > 1) polygons.push(current);
      last = map(a[0]!, a[1]!);
      current = [last];
    } else if (command.command === 'lineTo') {
      last = map(a[0]!, a[1]!);
      current.push(last);
    } else if (command.command === 'quadraticCurveTo') {
      const c = map(a[0]!, a[1]!);
      const e = map(a[2]!, a[3]!);
      const s = last;
      for (let i = 1; i <= 6; i++) {
        const t = i / 6;
        const u = 1 - t;
        current.push([u * u * s[0] + 2 * u * t * c[0] + t * t * e[0], u * u * s[1] + 2 * u * t * c[1] + t * t * e[1]]);
      }
      last = e;
    } else if (command.command === 'bezierCurveTo') {
      const c1 = map(a[0]!, a[1]!);
      const c2 = map(a[2]!, a[3]!);
      const e = map(a[4]!, a[5]!);
      const s = last;
      for (let i = 1; i <= 8; i++) {
        const t = i / 8;
        const u = 1 - t;
        current.push([
          u * u * u * s[0] + 3 * u * u * t * c1[0] + 3 * u * t * t * c2[0] + t * t * t * e[0],
          u * u * u * s[1] + 3 * u * u * t * c1[1] + 3 * u * t * t * c2[1] + t * t * t * e[1],
        ]);
      }
      last = e;
    } else if (command.command === 'closePath') {
      if (current.length > 1) polygons.push(current);
      current = [];
    }
  }
  if (current.length > 1) polygons.push(current);

  const top = Math.floor(cell.y);
  const bottom = Math.ceil(cell.y + cell.h);
  for (let y = top; y < bottom; y++) {
    const cy = y + 0.5;
    const crossings: Array<{ x: number; dir: number }> = [];
    for (const polygon of polygons) {
      for (let i = 0; i < polygon.length; i++) {
        const [x1, y1] = polygon[i]!;
        const [x2, y2] = polygon[(i + 1) % polygon.length]!;
        if (y1 === y2 || cy < Math.min(y1, y2) || cy >= Math.max(y1, y2)) continue;
        crossings.push({ x: x1 + ((cy - y1) * (x2 - x1)) / (y2 - y1), dir: y2 > y1 ? 1 : -1 });
      }
    }
    crossings.sort((p, q) => p.x - q.x);
    let winding = 0;
    for (let i = 0; i < crossings.length - 1; i++) {
      winding += crossings[i]!.dir;
      if (winding === 0) continue;
      const from = Math.ceil(crossings[i]!.x - 0.5);
      const to = Math.floor(crossings[i + 1]!.x - 0.5);
      for (let x = from; x <= to + (bold ? 1 : 0); x++) set(x, y);
    }
  }
  return true;
}
