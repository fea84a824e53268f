// Names with characters outside the BMP (GB 18030-2022, 通用规范汉字表, CJK Extensions
// B–F): each prints with a real glyph — from the main face where it has one, from the
// fallback face otherwise — and the text layer gives back exactly the name typed.
import { describe, expect, it } from 'vitest';
import { renderDocumentWithReport } from '../../../src-main/documents/render.ts';
import { acceptance, correction, receipt } from './fixtures.ts';
import { embeddedGlyphs, flat, pdfText } from './pdf-tools.ts';

const NAME = '𠮷𬌗明'; // 𠮷 U+20BB7 (Extension B, not in the 通用规范汉字表), 𬌗 U+2C317 (Extension E, in it)
// pdf-lib names an embedded font by its PostScript name and a random number.
const HANAMIN = /^HanaMinB-\d+$/;
const NOTO_REGULAR = /^NotoSerifSC-Regular-\d+$/;
const person = (name: string) => ({ name, idType: '居民身份证', idNumber: '11010219860315242X' });

/** Each character of `text` is drawn by a glyph with an outline in a font whose name matches `font`. */
async function expectDrawn(bytes: Uint8Array, text: string, font: RegExp): Promise<void> {
  const glyphs = await embeddedGlyphs(bytes);
  for (const char of text) {
    const drawn = glyphs.get(char) ?? [];
    expect(drawn, `${char} U+${char.codePointAt(0)!.toString(16)}`).not.toEqual([]);
    for (const glyph of drawn) {
      expect(glyph.font).toMatch(font);
      expect(glyph.glyphId).toBeGreaterThan(0);
      expect(glyph.commands, `${char} has an outline`).toBeGreaterThan(0);
    }
  }
}

describe('names outside the BMP', () => {
  it('print in the acceptance notice with their glyphs, and extract as typed', async () => {
    const { bytes, unprintable } = await renderDocumentWithReport(
      acceptance({ applicant: person(NAME), agent: person('李𫖯𬣙') }),
    );
    expect(unprintable).toEqual([]);
    const text = await pdfText(bytes);
    expect(text.split('\n')).toContain(`${NAME}：`);
    expect(flat(text)).toContain('（代办人：李𫖯𬣙）');
    await expectDrawn(bytes, '𠮷', HANAMIN);
    await expectDrawn(bytes, '𬌗𫖯𬣙明李', NOTO_REGULAR);
  });

  it('print on both copies of the receipt', async () => {
    const { bytes } = await renderDocumentWithReport(receipt({ applicant: person(`𬇙${NAME}𫭢𬬿`) }));
    const text = flat(await pdfText(bytes));
    expect(text.split(`申请人：𬇙${NAME}𫭢𬬿（居民身份证：110102********242X）`)).toHaveLength(3);
    await expectDrawn(bytes, '𠮷', HANAMIN);
  });

  it('wrap across lines without losing a character', async () => {
    const long = `${'𠀀𪜀𫝀𫠠𬺰𠮷'.repeat(12)}不一致`;
    const { bytes, unprintable } = await renderDocumentWithReport(correction({ problems: [long] }));
    expect(unprintable).toEqual([]);
    const text = await pdfText(bytes);
    expect(text).not.toMatch(/\p{Cs}/u); // no lone surrogate
    expect(flat(text)).toContain(`1．${long}。`);
    await expectDrawn(bytes, '𠀀𪜀𫝀𫠠𬺰𠮷', HANAMIN);
  });

  it('reports what no font has and still renders the rest', async () => {
    const { bytes, unprintable } = await renderDocumentWithReport(
      acceptance({ applicant: person('张\u{F0000}明'), agent: person('王\u{30EDE}') }),
    );
    expect(unprintable).toEqual(['\u{F0000}', '\u{30EDE}']);
    expect(flat(await pdfText(bytes))).toContain('受理通知书');
  });
});
