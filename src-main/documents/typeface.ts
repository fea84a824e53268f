// A face of the documents as layout sees it: the main font with the fallback font's
// files behind it, chosen per character (glyph-coverage.ts). Text is set in runs, each
// in the font that has its characters, so a name such as 𠮷𬌗明 measures, wraps and
// draws with every glyph present, and each run's font maps its glyphs back to the
// right code points (pdf-lib writes a ToUnicode map per embedded font), so copying
// or extracting the text gives the name as typed.
import type { Color, PDFDocument, PDFFont, PDFPage } from 'pdf-lib';
import { loadFallbackBytes } from './fonts.ts';
import { fallbackFile, glyphSource, isInvisible, MAIN_FACE, NO_FACE } from './glyph-coverage.ts';

export interface Run {
  font: PDFFont;
  text: string;
}

export class Typeface {
  /** Characters drawn so far that no font has: each printed as the main font's empty box. */
  readonly unprintable = new Set<string>();

  /** `fallbacks`: the embedded fallback files by source number, every one this document's text needs. */
  constructor(
    private readonly main: PDFFont,
    private readonly fallbacks: ReadonlyMap<number, PDFFont>,
  ) {}

  private fontOf(char: string): PDFFont {
    const source = glyphSource(char.codePointAt(0)!);
    if (source === MAIN_FACE || source === NO_FACE) return this.main;
    const font = this.fallbacks.get(source);
    if (!font) throw new Error(`the fallback file ${fallbackFile(source)} was not embedded before layout`);
    return font;
  }

  /** The text cut where the font changes (by code point: a surrogate pair stays whole). */
  runs(text: string): Run[] {
    const runs: Run[] = [];
    for (const char of text) {
      const font = this.fontOf(char);
      const last = runs.at(-1);
      if (last && (last.font === font || isInvisible(char))) last.text += char;
      else runs.push({ font, text: char });
    }
    return runs;
  }

  width(text: string, size: number): number {
    let width = 0;
    for (const run of this.runs(text)) width += run.font.widthOfTextAtSize(run.text, size);
    return width;
  }

  /** Draws one line with its baseline at (x, y). */
  draw(page: PDFPage, text: string, at: { x: number; y: number; size: number; color?: Color }): void {
    let x = at.x;
    for (const run of this.runs(text)) {
      if (run.font === this.main) this.noteUnprintable(run.text);
      page.drawText(run.text, { x, y: at.y, size: at.size, font: run.font, ...(at.color ? { color: at.color } : {}) });
      x += run.font.widthOfTextAtSize(run.text, at.size);
    }
  }

  private noteUnprintable(text: string): void {
    for (const char of text) {
      if (glyphSource(char.codePointAt(0)!) === NO_FACE && !isInvisible(char)) this.unprintable.add(char);
    }
  }
}

/**
 * Embeds the fallback font files the texts' characters need (only the glyphs used), by
 * source number, in order: a Typeface draws with them behind the main face. Fonts are
 * embedded before layout, which is synchronous.
 */
export async function embedFallbacks(doc: PDFDocument, texts: readonly string[]): Promise<Map<number, PDFFont>> {
  const sources = new Set<number>();
  for (const text of texts) {
    for (const char of text) {
      const source = glyphSource(char.codePointAt(0)!);
      if (source !== MAIN_FACE && source !== NO_FACE) sources.add(source);
    }
  }
  const fallbacks = new Map<number, PDFFont>();
  for (const source of [...sources].sort((a, b) => a - b)) {
    fallbacks.set(source, await doc.embedFont(await loadFallbackBytes(fallbackFile(source)), { subset: true }));
  }
  return fallbacks;
}
