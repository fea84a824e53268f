// A logo for the receipt as the printer's 1-bit raster: a PNG (pngjs) composited on white,
// converted to luminance, scaled down (box filter) to at most the paper's dots, and
// thresholded. Dithering would suit photographs; logos and seals are line art, where a
// threshold keeps edges sharp.
import { PNG } from 'pngjs';
import type { RasterImage } from './escpos.ts';

export interface RasterOptions {
  /** The widest the image may print, in dots (384 on 58 mm, 576 on 80 mm). */
  maxWidth: number;
  /** Luminance 0–255 under which a dot is black (default 128). */
  threshold?: number;
}

export function rasterFromPng(bytes: Uint8Array, options: RasterOptions): RasterImage {
  const png = PNG.sync.read(Buffer.from(bytes));
  const scale = Math.min(1, options.maxWidth / png.width);
  const width = Math.max(1, Math.round(png.width * scale));
  const height = Math.max(1, Math.round(png.height * scale));
  const threshold = options.threshold ?? 128;
  const rowBytes = Math.ceil(width / 8);
  const bits = new Uint8Array(rowBytes * height);
  for (let y = 0; y < height; y++) {
    const y0 = Math.floor(y / scale);
    const y1 = Math.max(y0 + 1, Math.floor((y + 1) / scale));
    for (let x = 0; x < width; x++) {
      const x0 = Math.floor(x / scale);
      const x1 = Math.max(x0 + 1, Math.floor((x + 1) / scale));
      let sum = 0;
      let count = 0;
      for (let sy = y0; sy < Math.min(y1, png.height); sy++) {
        for (let sx = x0; sx < Math.min(x1, png.width); sx++) {
          const i = (sy * png.width + sx) * 4;
          const alpha = png.data[i + 3]! / 255;
          const luminance = 0.299 * png.data[i]! + 0.587 * png.data[i + 1]! + 0.114 * png.data[i + 2]!;
          sum += luminance * alpha + 255 * (1 - alpha);
          count += 1;
        }
      }
      if (count > 0 && sum / count < threshold) bits[y * rowBytes + (x >> 3)]! |= 0x80 >> (x & 7);
    }
  }
  return { width, height, bits };
}
