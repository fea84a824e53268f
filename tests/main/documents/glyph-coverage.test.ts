// What the documents' fonts can draw, and that the core's table says the same as the
// fonts: a name the table calls printable prints, one it calls unprintable is warned of.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codePointLabel } from '../../../src-main/common/review/printing.ts';
import {
  glyphSource,
  MAIN_FACE,
  NO_FACE,
  unprintableCharacters,
} from '../../../src-main/documents/glyph-coverage.ts';
import { computeCoverage, renderData } from '../../../tools/glyph-coverage.ts';
import { EXTENSION_G_CHARACTER, OTHER_HAN_CHARACTERS, TGH_OUTSIDE_BMP } from '../../fixtures/han-characters.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');

/** Assigned code points of a block (Unicode 15.1). */
function* block(first: number, last: number): Generator<number> {
  for (let c = first; c <= last; c++) yield c;
}

describe('glyph coverage of the documents', () => {
  it('is the table the font files give (npm run glyphs writes it)', () => {
    const committed = readFileSync(join(ROOT, 'src-main/documents/glyph-coverage-data.ts'), 'utf8');
    expect(committed).toBe(renderData(computeCoverage()));
  });

  it('draws all 196 characters of the 通用规范汉字表 outside the BMP, in the main face', () => {
    const chars = [...TGH_OUTSIDE_BMP];
    expect(chars).toHaveLength(196);
    expect(chars.filter((c) => glyphSource(c.codePointAt(0)!) !== MAIN_FACE)).toEqual([]);
  });

  it('draws 𠮷 and the rest of CJK Extensions B–F from the fallback face', () => {
    for (const char of OTHER_HAN_CHARACTERS) {
      expect(glyphSource(char.codePointAt(0)!), codePointLabel(char)).toBeGreaterThan(MAIN_FACE);
    }
    // Extensions B–F as Unicode 15.1 assigns them: 60,331 characters. HanaMin (2017)
    // predates the 14 added since Unicode 13 (U+2A6D7–2A6DF, U+2B735–2B739).
    const ranges: Array<[number, number]> = [
      [0x20000, 0x2a6df],
      [0x2a700, 0x2b739],
      [0x2b740, 0x2b81d],
      [0x2b820, 0x2cea1],
      [0x2ceb0, 0x2ebe0],
    ];
    const missing: string[] = [];
    let total = 0;
    for (const [first, last] of ranges) {
      for (const c of block(first, last)) {
        total++;
        if (glyphSource(c) === NO_FACE) missing.push(c.toString(16));
      }
    }
    expect(total).toBe(60_331);
    expect(missing).toEqual([
      ...['2a6d7', '2a6d8', '2a6d9', '2a6da', '2a6db', '2a6dc', '2a6dd', '2a6de', '2a6df'],
      ...['2b735', '2b736', '2b737', '2b738', '2b739'],
    ]);
  });

  it('names what no face has: private use, unassigned and Extension G characters, once each', () => {
    expect(unprintableCharacters(`张${EXTENSION_G_CHARACTER}\u{F0000}三\u{F0000}\u{2FFFD}`)).toEqual([
      EXTENSION_G_CHARACTER,
      '\u{F0000}',
      '\u{2FFFD}',
    ]);
    expect(codePointLabel('\u{F0000}')).toBe('U+F0000');
    expect(codePointLabel('\uE000')).toBe('U+E000');
  });

  it('passes over what prints as nothing: line ends, tabs, variation selectors, joiners', () => {
    expect(unprintableCharacters('葛\u{E0100}\n李\uFE00\t王\u200D明')).toEqual([]);
    expect(unprintableCharacters(`𠮷${TGH_OUTSIDE_BMP}`)).toEqual([]);
  });
});
