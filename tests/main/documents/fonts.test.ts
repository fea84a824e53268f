// The embedded subset draws the same glyphs as the whole face. @pdf-lib/fontkit's
// subsetter loses Han glyphs silently (the text still reads back, the page shows
// blanks), so this compares pixels, not text.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { documentFontkit, loadFontBytes } from '../../../src-main/documents/fonts.ts';
import { tempDir } from '../helpers.ts';
import { darkPixels, pagePixels } from './pdf-tools.ts';

const SAMPLE = [
  '申请材料接收凭证受理通知书补正材料通知书不予受理通知书',
  '欧阳晓燕李建国王芳喆堃昇犇淼鑫䶮社会保障卡申领户口迁移（夫妻投靠）',
  '材料齐全，符合法定形式，现予受理。逾期视为放弃。行政复议行政诉讼人民法院',
  '编号：SJ-110102-20261125-0007 2026年12月9日 0123456789 ABCxyz',
];

async function samplePdf(face: 'regular' | 'bold', subset: boolean): Promise<string> {
  const bytes = await loadFontBytes();
  const doc = await PDFDocument.create();
  doc.registerFontkit(documentFontkit);
  const font = await doc.embedFont(bytes[face], { subset });
  const page = doc.addPage([595.28, 841.89]);
  SAMPLE.forEach((line, i) => page.drawText(line, { x: 40, y: 780 - i * 40, size: 16, font }));
  const file = join(tempDir('tongban-font-'), `${face}-${subset ? 'subset' : 'full'}.pdf`);
  writeFileSync(file, await doc.save());
  return file;
}

describe('document font', () => {
  it.each(['regular', 'bold'] as const)(
    'draws the same pixels from the subset as from the whole %s face',
    async (face) => {
      const full = await pagePixels(await samplePdf(face, false), 1, 100);
      const subset = await pagePixels(await samplePdf(face, true), 1, 100);
      const ink = darkPixels(full);
      expect(ink).toBeGreaterThan(5000);
      let differing = 0;
      for (let i = 0; i < full.data.length; i += 4) if (Math.abs(full.data[i]! - subset.data[i]!) > 64) differing++;
      expect(differing / ink).toBeLessThan(0.01);
    },
  );

  it('reads the face once and hands out the same bytes after', async () => {
    const a = await loadFontBytes();
    const b = await loadFontBytes();
    expect(a).toBe(b);
    expect(a.regular.length).toBeGreaterThan(10_000_000);
  });
});
