// Rendering the documents and reading them back as a person or a scanner would: the
// text and pixels from tests/fixtures/pdf.ts (PDF.js), jsQR on the rendered page.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as fontkit from 'fontkit';
import jsqr from 'jsqr';
import type { PDFRawStream } from 'pdf-lib';
import { decodePDFRawStream, PDFArray, PDFDict, PDFDocument, PDFName } from 'pdf-lib';
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

/** How one character is drawn in a PDF: the embedded font, its glyph, and whether the glyph has an outline. */
export interface EmbeddedGlyph {
  /** The embedded font's name, e.g. `ABCDEF+NotoSerifSC-Regular`. */
  font: string;
  glyphId: number;
  /** Path commands of the glyph as the embedded (subset) font program draws it. */
  commands: number;
}

/**
 * Every character a PDF's Type0 fonts map back to (their ToUnicode CMaps, read as
 * pdf-lib writes them: `bfchar` entries in UTF-16BE) with the glyph that draws it in the
 * embedded font program — so a test can tell a real glyph from an empty box (.notdef,
 * glyph 0) without trusting the text layer alone.
 */
export async function embeddedGlyphs(bytes: Uint8Array): Promise<Map<string, EmbeddedGlyph[]>> {
  const doc = await PDFDocument.load(bytes);
  const found = new Map<string, EmbeddedGlyph[]>();
  for (const [, object] of doc.context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFDict) || object.get(PDFName.of('Subtype')) !== PDFName.of('Type0')) continue;
    const name = (object.get(PDFName.of('BaseFont')) as PDFName).decodeText();
    const toUnicode = object.lookup(PDFName.of('ToUnicode')) as PDFRawStream;
    const descendant = object.lookup(PDFName.of('DescendantFonts'), PDFArray).lookup(0, PDFDict);
    const descriptor = descendant.lookup(PDFName.of('FontDescriptor'), PDFDict);
    const program = descriptor.lookup(PDFName.of('FontFile2')) as PDFRawStream;
    const font = fontkit.create(Buffer.from(decodePDFRawStream(program).decode()));
    if ('fonts' in font) throw new Error('an embedded font collection');
    const cmap = new TextDecoder().decode(decodePDFRawStream(toUnicode).decode());
    for (const [, gid, utf16] of cmap.matchAll(/<([0-9a-fA-F]{4})> <([0-9a-fA-F]+)>/g)) {
      const units = utf16!.match(/.{4}/g)!.map((h) => parseInt(h, 16));
      const text = String.fromCharCode(...units);
      const glyphId = parseInt(gid!, 16);
      const glyph = { font: name, glyphId, commands: font.getGlyph(glyphId).path.commands.length };
      found.set(text, [...(found.get(text) ?? []), glyph]);
    }
  }
  return found;
}
