// The typeface the documents are set in: Noto Serif SC (思源宋体), a Song face as
// official notices use, OFL-1.1, TrueType outlines, from the npm package
// @expo-google-fonts/noto-serif-sc (Google Fonts' static instances). Read once from
// node_modules and kept; each PDF embeds only the glyphs it uses.
//
// Subsetting goes through upstream fontkit 2, not @pdf-lib/fontkit: that stale fork
// writes a short `loca` without padding odd-length glyph records (fixed upstream in
// fontkit 1.8), so a subset of this font renders many Han characters blank while
// pdftotext still reads them. pdf-lib accepts any object with `create()`; the only
// gap is that fontkit 2's subset has `encode()` where pdf-lib calls `encodeStream()`.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import * as fontkit from 'fontkit';
import type { PDFDocument } from 'pdf-lib';

const require = createRequire(import.meta.url);

const FONT_PACKAGE = '@expo-google-fonts/noto-serif-sc';
export const FONT_FILES = {
  regular: `${FONT_PACKAGE}/400Regular/NotoSerifSC_400Regular.ttf`,
  bold: `${FONT_PACKAGE}/700Bold/NotoSerifSC_700Bold.ttf`,
} as const;

export interface FontBytes {
  regular: Uint8Array;
  bold: Uint8Array;
}

let loading: Promise<FontBytes> | undefined;

/** Both faces' bytes, read on first use and kept for the life of the process. */
export function loadFontBytes(): Promise<FontBytes> {
  loading ??= (async () => {
    const [regular, bold] = await Promise.all([
      readFile(require.resolve(FONT_FILES.regular)),
      readFile(require.resolve(FONT_FILES.bold)),
    ]);
    return { regular, bold };
  })().catch((error: unknown) => {
    loading = undefined; // let the next document try again
    throw error;
  });
  return loading;
}

type PdfLibFontkit = Parameters<PDFDocument['registerFontkit']>[0];

// Parsed faces by their bytes: fontkit parses tables lazily and caches glyphs, so
// reusing one Font across documents saves work. Subsets are per document.
const parsed = new WeakMap<Uint8Array, fontkit.Font>();

function parse(data: Uint8Array): fontkit.Font {
  let font = parsed.get(data);
  if (font) return font;
  const buffer = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const created = fontkit.create(buffer);
  if ('fonts' in created) throw new Error('a font collection is not a document font');
  font = created;
  const createSubset = font.createSubset.bind(font);
  font.createSubset = () => {
    const subset = createSubset();
    return Object.assign(subset, { encodeStream: () => Readable.from([subset.encode()]) });
  };
  parsed.set(data, font);
  return font;
}

/**
 * Reads and parses both faces ahead of the first notice (about 0.7 s cold), so the
 * clerk's first 封装 of the day is as quick as the rest.
 */
export async function warmUpFonts(): Promise<void> {
  const { regular, bold } = await loadFontBytes();
  parse(regular);
  parse(bold);
}

/** Upstream fontkit shaped as pdf-lib's `registerFontkit` expects. */
export const documentFontkit = { create: parse } as unknown as PdfLibFontkit;
