// `npm run icons`: draws the app icon — 通 in white on a deep-red rounded square with a
// thin inner rule, like a seal — and writes assets/icons/<n>x<n>.png for Linux (the
// sizes the freedesktop icon theme uses) and assets/icons/icon.ico for Windows (PNG
// entries, 16–256). The icons are committed: packaging needs no canvas.
// tests/main/app/electron-builder-config.test.ts reads them back.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import { FONT_FILES } from '../src-main/documents/font-files.ts';

const require = createRequire(import.meta.url);
const OUT = join(import.meta.dirname, '..', 'assets', 'icons');

export const PNG_SIZES = [16, 24, 32, 48, 64, 128, 256, 512] as const;
/** Windows shows 16–48 in lists and 256 in large views; 256 is the largest an ICO entry holds. */
export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256] as const;

const SEAL_RED = '#b3261e';
const FONT_FAMILY = 'TongbanIconSerif';

function draw(size: number): Promise<Buffer> {
  const canvas = createCanvas(size, size);
  const ctx = canvas.getContext('2d');
  // A margin so the square reads as a tile next to other apps' icons.
  const inset = Math.max(1, Math.round(size / 16));
  const side = size - 2 * inset;
  ctx.fillStyle = SEAL_RED;
  ctx.beginPath();
  ctx.roundRect(inset, inset, side, side, side * 0.18);
  ctx.fill();
  // The seal's inner rule: only where it is more than a pixel or two.
  if (size >= 48) {
    const rule = inset + side * 0.07;
    ctx.strokeStyle = '#ffffff';
    ctx.lineWidth = Math.max(1, size / 64);
    ctx.beginPath();
    ctx.roundRect(rule, rule, size - 2 * rule, size - 2 * rule, side * 0.12);
    ctx.stroke();
  }
  ctx.fillStyle = '#ffffff';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  // Small sizes get a larger glyph: at 16 px the rule is gone and every pixel counts.
  const glyph = side * (size >= 48 ? 0.66 : 0.82);
  ctx.font = `bold ${glyph}px ${FONT_FAMILY}`;
  // CJK glyphs sit on an em box whose middle is a little above the text's middle baseline.
  ctx.fillText('通', size / 2, size / 2 + glyph * 0.04);
  return canvas.encode('png');
}

/** An ICO file whose entries are PNGs (Windows Vista and later read them at every size). */
export function icoFromPngs(entries: Array<{ size: number; png: Buffer }>): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0); // reserved
  header.writeUInt16LE(1, 2); // 1 = icon
  header.writeUInt16LE(entries.length, 4);
  const directory = Buffer.alloc(16 * entries.length);
  let offset = header.length + directory.length;
  entries.forEach(({ size, png }, index) => {
    const at = index * 16;
    directory.writeUInt8(size >= 256 ? 0 : size, at); // width; 0 means 256
    directory.writeUInt8(size >= 256 ? 0 : size, at + 1); // height
    directory.writeUInt8(0, at + 2); // no palette
    directory.writeUInt8(0, at + 3); // reserved
    directory.writeUInt16LE(1, at + 4); // colour planes
    directory.writeUInt16LE(32, at + 6); // bits per pixel
    directory.writeUInt32LE(png.length, at + 8);
    directory.writeUInt32LE(offset, at + 12);
    offset += png.length;
  });
  return Buffer.concat([header, directory, ...entries.map((entry) => entry.png)]);
}

async function main(): Promise<void> {
  if (!GlobalFonts.registerFromPath(require.resolve(FONT_FILES.bold), FONT_FAMILY)) {
    throw new Error(`cannot load the icon font ${FONT_FILES.bold}`);
  }
  mkdirSync(OUT, { recursive: true });
  const pngs = new Map<number, Buffer>();
  for (const size of new Set<number>([...PNG_SIZES, ...ICO_SIZES])) pngs.set(size, await draw(size));
  for (const size of PNG_SIZES) writeFileSync(join(OUT, `${size}x${size}.png`), pngs.get(size)!);
  writeFileSync(join(OUT, 'icon.ico'), icoFromPngs(ICO_SIZES.map((size) => ({ size, png: pngs.get(size)! }))));
  console.log(`icons written to ${OUT}`);
}

if (process.argv[1] && import.meta.filename === process.argv[1]) await main();
