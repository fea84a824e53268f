// The installers' test page (打印测试页): a title, the text they asked for on a line of its
// own, the paper's column ruler in ASCII and in CJK (one ruler must fill the line exactly,
// the other half as many characters), a QR code that carries TEST, a cut. What comes out
// shows at a glance the Chinese mode, the paper width setting and the QR support.
import { COLUMNS, type PrintDocument, type PaperWidth } from './escpos.ts';

export const TEST_PAGE_TITLE = '打印测试页';
export const DEFAULT_TEST_TEXT = '中文测试：通办专窗 𠮷 龘 ABC abc 0123';
const CJK_DIGITS = '〇一二三四五六七八九';

/** `1234567890` repeated across the paper: 32 or 48 columns. */
export function asciiRuler(paper: PaperWidth): string {
  return Array.from({ length: COLUMNS[paper] }, (_, i) => String((i + 1) % 10)).join('');
}

/** 一二三…〇 across the paper: 16 or 24 characters of two columns each. */
export function cjkRuler(paper: PaperWidth): string {
  return Array.from({ length: COLUMNS[paper] / 2 }, (_, i) => CJK_DIGITS[(i + 1) % 10]).join('');
}

export function testPagePayload(paper: PaperWidth, at: Date): string {
  return `TONGBAN-TEST ${paper}mm ${at.toISOString()}`;
}

export function testPage(options: { paper: PaperWidth; text?: string; at?: Date }): PrintDocument {
  const { paper } = options;
  return {
    paper,
    blocks: [
      { kind: 'text', text: TEST_PAGE_TITLE, align: 'center', bold: true },
      { kind: 'text', text: options.text ?? DEFAULT_TEST_TEXT },
      { kind: 'text', text: `${paper}mm: ${COLUMNS[paper]} / ${COLUMNS[paper] / 2}` },
      { kind: 'text', text: asciiRuler(paper) },
      { kind: 'text', text: cjkRuler(paper) },
      { kind: 'qr', data: testPagePayload(paper, options.at ?? new Date()), moduleSize: 6, errorLevel: 'M' },
      { kind: 'cut' },
    ],
  };
}
