// Rendering the documents and reading them back as a person or a scanner would: the
// text and pixels from tests/fixtures/pdf.ts (PDF.js), jsQR on the rendered page.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import jsqr from 'jsqr';
import { renderDocument } from '../../../src-main/documents/render.ts';
import type { DocumentInput } from '../../../src-main/documents/model.ts';
import { pagePixels, type Band, type Pixels } from '../../fixtures/pdf.ts';
import { tempDir } from '../helpers.ts';

export { pageCount, pagePixels, pdfText, type Band, type Pixels } from '../../fixtures/pdf.ts';

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

/** The text with all white space gone, for sentences that may wrap anywhere. */
export function flat(text: string): string {
  return text.replace(/\s+/g, '');
}

/**
 * The QR code in a band of a page, decoded from its rendered pixels. jsQR reads one
 * code per image, so a two-up receipt is read one half at a time.
 */
export async function decodeQr(file: string, page = 1, band: Band = 'page', dpi = 150): Promise<string | null> {
  const { data, width, height } = await pagePixels(file, page, dpi, band);
  return jsQR(data, width, height)?.data ?? null;
}

/** Dark pixels on a page (text that renders blank has none). */
export function darkPixels(pixels: Pixels): number {
  let dark = 0;
  for (let i = 0; i < pixels.data.length; i += 4) if (pixels.data[i]! < 128) dark++;
  return dark;
}
