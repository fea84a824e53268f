// Reading rendered PDFs back the way a person or a scanner would: poppler's
// pdftotext and pdftoppm (Debian's poppler-utils), jsQR on the rendered page.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import jsqr from 'jsqr';
import { PNG } from 'pngjs';
import { renderDocument } from '../../../src-main/documents/render.ts';
import type { DocumentInput } from '../../../src-main/documents/model.ts';
import { tempDir } from '../helpers.ts';

// jsqr is CommonJS typed with `export default`: under nodenext the function is `.default`.
const jsQR = jsqr.default;

export interface Rendered {
  bytes: Uint8Array;
  file: string;
  dir: string;
}

export async function renderToFile(model: DocumentInput): Promise<Rendered> {
  const bytes = await renderDocument(model);
  const dir = tempDir('tongban-doc-');
  const file = join(dir, `${model.kind}.pdf`);
  writeFileSync(file, bytes);
  return { bytes, file, dir };
}

/** `pdftotext -layout` of the whole file or one page. */
export function pdfText(file: string, page?: number): string {
  const range = page === undefined ? [] : ['-f', String(page), '-l', String(page)];
  return execFileSync('pdftotext', ['-layout', ...range, file, '-'], { encoding: 'utf8' });
}

export function pageCount(file: string): number {
  const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  return Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]);
}

/** The text with all white space gone, for sentences that may wrap anywhere. */
export function flat(text: string): string {
  return text.replace(/\s+/g, '');
}

/** Which part of an A4 page to render: all of it, or the upper or lower half (one receipt copy each). */
export type Band = 'page' | 'top' | 'bottom';

/** One page rendered to PNG by poppler, as a printer would see it. */
export function pagePng(file: string, page = 1, dpi = 150, band: Band = 'page'): PNG {
  const prefix = `${file}-p${page}-${dpi}-${band}`;
  const width = Math.round((210 / 25.4) * dpi);
  const half = Math.round((297 / 25.4 / 2) * dpi);
  const crop =
    band === 'page'
      ? []
      : ['-x', '0', '-y', band === 'top' ? '0' : String(half), '-W', String(width), '-H', String(half)];
  execFileSync('pdftoppm', [
    '-png',
    '-r',
    String(dpi),
    '-f',
    String(page),
    '-l',
    String(page),
    ...crop,
    '-singlefile',
    file,
    prefix,
  ]);
  return PNG.sync.read(readFileSync(`${prefix}.png`));
}

/**
 * The QR code in a band of a page, decoded from its rendered pixels. jsQR reads one
 * code per image, so a two-up receipt is read one half at a time.
 */
export function decodeQr(file: string, page = 1, band: Band = 'page', dpi = 150): string | null {
  const png = pagePng(file, page, dpi, band);
  const pixels = new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.byteLength);
  return jsQR(pixels, png.width, png.height)?.data ?? null;
}

/** Dark pixels on a page (text that renders blank has none). */
export function darkPixels(png: PNG): number {
  let dark = 0;
  for (let i = 0; i < png.data.length; i += 4) if (png.data[i]! < 128) dark++;
  return dark;
}
