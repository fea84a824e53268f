// The roll drawn: what our reader (escpos-reader.ts) made of the bytes, one dot a pixel
// on the paper's printable width (384 or 576 dots), black on white. QR codes, raster
// images and cuts are drawn dot for dot (jsQR decodes the QR codes); text with the
// outlines of Noto Serif SC (glyphs.ts) in font A's cells (24 × 24 dots a CJK character,
// 12 × 24 an ASCII one); a character the face lacks is its cell's box. The simulator's
// roll and the on-screen preview (preview.ts) are both drawn here.
import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import { charColumns, DOTS, type PaperWidth } from './escpos.ts';
import type { ReaderEvent } from './escpos-reader.ts';
import { drawGlyph } from './glyphs.ts';

const FONT_A = { ascii: 12, cjk: 24, height: 24 };
const LINE_DOTS = 30;

/** One dot a pixel: draws the events onto a roll of the paper's printable width. */
export function renderPng(events: readonly ReaderEvent[], paper: PaperWidth): Buffer {
  const width = DOTS[paper];
  const ops: Array<(canvas: Canvas, top: number) => void> = [];
  let height = 8;
  const place = (boxWidth: number, align: 'left' | 'center' | 'right') =>
    align === 'center'
      ? Math.max(0, Math.floor((width - boxWidth) / 2))
      : align === 'right'
        ? Math.max(0, width - boxWidth)
        : 0;
  for (const event of events) {
    const top = height;
    if (event.kind === 'line') {
      const { width: sx, height: sy, align, bold } = event.style;
      const cells = [...event.text].map((char) => ({
        char,
        w: (charColumns(char) === 1 ? FONT_A.ascii : FONT_A.cjk) * sx,
      }));
      const lineWidth = cells.reduce((sum, c) => sum + c.w, 0);
      const rowHeight = Math.max(LINE_DOTS, FONT_A.height * sy + 6);
      let x = place(lineWidth, align);
      const left = x;
      ops.push((canvas) => {
        x = left;
        for (const cell of cells) {
          const box = { x, y: top, w: cell.w, h: FONT_A.height * sy };
          if (cell.char !== ' ' && !drawGlyph(cell.char, box, (px, py) => canvas.set(px, py), bold)) {
            canvas.box(x + 1, top + 2, cell.w - 2, box.h - 4, bold);
          }
          x += cell.w;
        }
      });
      height += rowHeight;
    } else if (event.kind === 'qr') {
      const bytes = new TextEncoder().encode(event.data);
      const code = QRCode.create([{ data: bytes, mode: 'byte' }], { errorCorrectionLevel: event.errorLevel });
      const size = code.modules.size;
      const dots = size * event.moduleSize;
      const x0 = place(dots, event.align);
      const margin = 4 * event.moduleSize;
      ops.push((canvas) => {
        for (let r = 0; r < size; r++) {
          for (let c = 0; c < size; c++) {
            if (code.modules.get(r, c))
              canvas.fill(
                x0 + c * event.moduleSize,
                top + margin + r * event.moduleSize,
                event.moduleSize,
                event.moduleSize,
              );
          }
        }
      });
      height += dots + 2 * margin;
    } else if (event.kind === 'barcode') {
      const dots = Math.min(width, (event.data.length + 3) * 11 * event.moduleWidth);
      const x0 = place(dots, event.align);
      ops.push((canvas) => canvas.box(x0, top, dots, event.height, false));
      height += event.height + (event.hri ? LINE_DOTS : 0);
    } else if (event.kind === 'image') {
      const { image } = event;
      const x0 = place(image.width, event.align);
      const rowBytes = Math.ceil(image.width / 8);
      ops.push((canvas) => {
        for (let y = 0; y < image.height; y++) {
          for (let x = 0; x < image.width; x++) {
            if ((image.bits[y * rowBytes + (x >> 3)]! >> (7 - (x & 7))) & 1) canvas.fill(x0 + x, top + y, 1, 1);
          }
        }
      });
      height += image.height;
    } else if (event.kind === 'feed') {
      height += event.lines * LINE_DOTS;
    } else if (event.kind === 'cut') {
      height += event.feed * LINE_DOTS;
      const at = height;
      ops.push((canvas) => {
        for (let x = 0; x < width; x += 8) canvas.fill(x, at, 4, 1);
      });
      height += 8;
    }
  }
  const canvas = new Canvas(width, height + 8);
  for (const op of ops) op(canvas, 0);
  return canvas.png();
}

class Canvas {
  private readonly pixels: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.pixels = new Uint8Array(width * height).fill(255);
  }

  set(x: number, y: number): void {
    if (x >= 0 && x < this.width && y >= 0 && y < this.height) this.pixels[y * this.width + x] = 0;
  }

  fill(x: number, y: number, w: number, h: number): void {
    for (let yy = Math.max(0, y); yy < Math.min(this.height, y + h); yy++) {
      for (let xx = Math.max(0, x); xx < Math.min(this.width, x + w); xx++) this.pixels[yy * this.width + xx] = 0;
    }
  }

  box(x: number, y: number, w: number, h: number, filled: boolean): void {
    if (filled) return this.fill(x, y, w, h);
    this.fill(x, y, w, 1);
    this.fill(x, y + h - 1, w, 1);
    this.fill(x, y, 1, h);
    this.fill(x + w - 1, y, 1, h);
  }

  png(): Buffer {
    const png = new PNG({ width: this.width, height: this.height });
    for (let i = 0; i < this.pixels.length; i++) {
      const v = this.pixels[i]!;
      png.data[i * 4] = v;
      png.data[i * 4 + 1] = v;
      png.data[i * 4 + 2] = v;
      png.data[i * 4 + 3] = 255;
    }
    return PNG.sync.write(png);
  }
}
