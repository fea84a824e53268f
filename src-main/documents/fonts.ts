// The documents' fonts (see font-files.ts for which and why), read from node_modules
// by the render worker and kept for its life; each PDF embeds only the glyphs it uses.
//
// Subsetting goes through upstream fontkit 2, not @pdf-lib/fontkit: that stale fork
// writes a short `loca` without padding odd-length glyph records (fixed upstream in
// fontkit 1.8), so a subset of this font renders many Han characters blank while
// pdftotext still reads them. pdf-lib accepts any object with `create()`; the only
// gap is that fontkit 2's subset has `encode()` where pdf-lib calls `encodeStream()`.
//
// fontkit cannot subset a WOFF2 file (it reads glyphs through a `loca` table WOFF2
// does not store), so a fallback file is first decompressed to TrueType with wawoff2
// (Google's woff2 decoder compiled to WebAssembly): about 10 ms for one ~200 KB file.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import * as fontkit from 'fontkit';
import type { PDFDocument } from 'pdf-lib';
import { FALLBACK_PACKAGE, FONT_FILES } from './font-files.ts';

export { FONT_FILES } from './font-files.ts';

const require = createRequire(import.meta.url);

export interface FontBytes {
  regular: Uint8Array;
  bold: Uint8Array;
}

let loading: Promise<FontBytes> | undefined;

/** Both main faces' bytes, read on first use and kept for the life of the process (the render worker). */
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

type Decompress = (woff2: Uint8Array) => Promise<Uint8Array>;
let decompress: Decompress | undefined;
const fallbacks = new Map<string, Promise<Uint8Array>>();

/** One file of the fallback face as TrueType bytes, decompressed on first use and kept. */
export function loadFallbackBytes(file: string): Promise<Uint8Array> {
  let bytes = fallbacks.get(file);
  if (!bytes) {
    bytes = (async () => {
      decompress ??= require('wawoff2/decompress.js') as Decompress;
      const dir = dirname(require.resolve(`${FALLBACK_PACKAGE}/package.json`));
      // A copy: the decoder may hand back a view of its WebAssembly memory.
      return new Uint8Array(await decompress(await readFile(join(dir, file))));
    })();
    bytes.catch(() => fallbacks.delete(file)); // let the next document try again
    fallbacks.set(file, bytes);
  }
  return bytes;
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

/** Reads and parses both main faces ahead of the first document (about 0.7 s cold). */
export async function warmUpFonts(): Promise<void> {
  const { regular, bold } = await loadFontBytes();
  parse(regular);
  parse(bold);
}

/** Upstream fontkit shaped as pdf-lib's `registerFontkit` expects. */
export const documentFontkit = { create: parse } as unknown as PdfLibFontkit;
