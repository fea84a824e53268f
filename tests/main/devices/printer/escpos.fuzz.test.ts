// The encoder and our reader under fast-check: any text (ASCII, GB2312, GBK-only and
// 4-byte GB18030 characters, controls) at any size on either paper comes back whole,
// wrapped into lines that fit and never split a character; any byte stream, cut into any
// chunks, reads to the same events and never throws.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  COLUMNS,
  encodeDocument,
  printable,
  textColumns,
  type PaperWidth,
} from '../../../../src-main/devices/printer/escpos.ts';
import { EscPosReader, readEscPos } from '../../../../src-main/devices/printer/escpos-reader.ts';

const chars = fc.constantFrom(
  ...'aZ09 .,:-{}中文通办窗龘𠮷㐀丂€—“”\t\x1b\x10\x04\x1d'.split(/(?:)/u),
  '\u{2B820}',
  '\u{30000}',
);
const text = fc.array(chars, { maxLength: 120 }).map((list) => list.join(''));

describe('ESC/POS encoder and reader (fast-check)', () => {
  it('any text at any width comes back whole, in lines that fit', () => {
    fc.assert(
      fc.property(text, fc.constantFrom<PaperWidth>(58, 80), fc.integer({ min: 1, max: 4 }), (t, paper, width) => {
        const events = readEscPos(encodeDocument({ paper, blocks: [{ kind: 'text', text: t, width }] }));
        const lines = events.flatMap((e) => (e.kind === 'line' ? [e.text] : []));
        expect(lines.join('')).toBe(printable(t));
        for (const line of lines) expect(textColumns(line) * width).toBeLessThanOrEqual(COLUMNS[paper]);
        expect(events.filter((e) => e.kind === 'unknown' || e.kind === 'status' || e.kind === 'feed')).toEqual([]);
      }),
      { numRuns: 2000 },
    );
  });

  it('any byte stream in any chunks reads to the same events, without throwing', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 400 }),
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1 }),
        (bytes, cuts) => {
          const whole = readEscPos(bytes);
          const reader = new EscPosReader();
          const events = [];
          let at = 0;
          for (let i = 0; at < bytes.length; i++) {
            const size = cuts[i % cuts.length]!;
            events.push(...reader.push(bytes.subarray(at, at + size)));
            at += size;
          }
          events.push(...reader.end());
          expect(events).toEqual(whole);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
