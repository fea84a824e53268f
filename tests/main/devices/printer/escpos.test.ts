// The encoder's bytes read back with our own ESC/POS reader: text round-trips through
// GB18030 (2- and 4-byte characters), lines fit the paper's columns at 58 and 80 mm and
// never split a character, QR and CODE128 carry their payloads, the job ends in a cut.
import { describe, expect, it } from 'vitest';
import {
  COLUMNS,
  encodeDocument,
  gb18030,
  type PrintDocument,
  textColumns,
  wrapText,
} from '../../../../src-main/devices/printer/escpos.ts';
import {
  EscPosReader,
  printedLines,
  readEscPos,
  renderText,
} from '../../../../src-main/devices/printer/escpos-reader.ts';

function lines(document: PrintDocument): string[] {
  return printedLines(readEscPos(encodeDocument(document)));
}

describe('ESC/POS encoder', () => {
  it('starts with initialise and Chinese mode, and ends with feed-and-cut', () => {
    const bytes = encodeDocument({ paper: 58, blocks: [{ kind: 'text', text: 'A' }, { kind: 'cut' }] });
    expect([...bytes.subarray(0, 4)]).toEqual([0x1b, 0x40, 0x1c, 0x26]);
    expect([...bytes.subarray(-4)]).toEqual([0x1d, 0x56, 0x41, 4]);
    const events = readEscPos(bytes);
    expect(events.at(-1)).toEqual({ kind: 'cut', partial: false, feed: 4 });
  });

  it('writes GB18030: ASCII in one byte, GB2312 in two, 𠮷 and 龘 round-trip (𠮷 in four bytes)', () => {
    expect([...gb18030('A')]).toEqual([0x41]);
    expect([...gb18030('中')]).toEqual([0xd6, 0xd0]);
    expect(gb18030('𠮷').length).toBe(4);
    expect(gb18030('龘').length).toBe(2); // in GBK, outside GB2312
    expect(gb18030('㐀').length).toBe(4); // Extension A: four bytes
    const text = '张𠮷 龘 㐀 Zhang 123 €';
    expect(lines({ paper: 80, blocks: [{ kind: 'text', text }] })).toEqual([text]);
  });

  it('wraps at 16 CJK / 32 ASCII columns on 58 mm and 24 / 48 on 80 mm', () => {
    const cjk = '通'.repeat(40);
    expect(lines({ paper: 58, blocks: [{ kind: 'text', text: cjk }] }).map((l) => [...l].length)).toEqual([16, 16, 8]);
    expect(lines({ paper: 80, blocks: [{ kind: 'text', text: cjk }] }).map((l) => [...l].length)).toEqual([24, 16]);
    const ascii = 'x'.repeat(50);
    expect(lines({ paper: 58, blocks: [{ kind: 'text', text: ascii }] }).map((l) => l.length)).toEqual([32, 18]);
    expect(lines({ paper: 80, blocks: [{ kind: 'text', text: ascii }] }).map((l) => l.length)).toEqual([48, 2]);
  });

  it('never splits a character: an odd column left over moves the CJK character (or 𠮷) to the next line', () => {
    const text = `a${'𠮷'.repeat(20)}`;
    const out = lines({ paper: 58, blocks: [{ kind: 'text', text }] });
    expect(out.join('')).toBe(text);
    for (const line of out) expect(textColumns(line)).toBeLessThanOrEqual(COLUMNS[58]);
    expect(out[0]).toBe(`a${'𠮷'.repeat(15)}`);
    for (const paper of [58, 80] as const) {
      for (let n = 0; n < 60; n++) {
        const mixed = Array.from({ length: n }, (_, i) => ['中', 'a', '𠮷', '1', '龘'][i % 5]).join('');
        const wrapped = wrapText(mixed, COLUMNS[paper]);
        expect(wrapped.join('')).toBe(mixed);
        for (const line of wrapped) expect(textColumns(line)).toBeLessThanOrEqual(COLUMNS[paper]);
      }
    }
  });

  it('moves a Latin word whole to the next line when a space allows, keeping every character', () => {
    expect(wrapText('收件编号 ABCDEFGHIJKLMNOPQRSTUVWXYZ', 32)).toEqual(['收件编号 ', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ']);
    expect(wrapText('x'.repeat(40), 32)).toEqual(['x'.repeat(32), 'x'.repeat(8)]);
  });

  it('halves the columns at double width', () => {
    const out = readEscPos(
      encodeDocument({ paper: 58, blocks: [{ kind: 'text', text: '收'.repeat(10), width: 2, height: 2 }] }),
    );
    const printed = out.filter((e) => e.kind === 'line');
    expect(printed.map((e) => (e.kind === 'line' ? [...e.text].length : 0))).toEqual([8, 2]);
    expect(printed[0]!.kind === 'line' && printed[0]!.style).toMatchObject({ width: 2, height: 2 });
  });

  it('lays out label–value pairs flush right in the columns', () => {
    const out = lines({ paper: 58, blocks: [{ kind: 'pair', left: '受理编号', right: 'A-001' }] });
    expect(out).toEqual([`受理编号${' '.repeat(32 - 8 - 5)}A-001`]);
    expect(textColumns(out[0]!)).toBe(32);
  });

  it('never lets text carry a command: ESC and other controls become ?', () => {
    const out = readEscPos(encodeDocument({ paper: 58, blocks: [{ kind: 'text', text: 'a\x1bd\x05b\x1d' }] }));
    expect(out.filter((e) => e.kind === 'feed' || e.kind === 'unknown')).toEqual([]);
    expect(printedLines(out)).toEqual(['a?d?b?']);
  });

  it('stores and prints the QR payload with model 2, module size and error level', () => {
    const data = 'https://tongban.example/t/TB2026-0001?x=中';
    const events = readEscPos(
      encodeDocument({ paper: 80, blocks: [{ kind: 'qr', data, moduleSize: 7, errorLevel: 'Q' }] }),
    );
    expect(events.find((e) => e.kind === 'qr')).toEqual({
      kind: 'qr',
      data,
      moduleSize: 7,
      errorLevel: 'Q',
      model: 2,
      align: 'center',
    });
  });

  it('writes CODE128 set B with its length, escaping {', () => {
    const events = readEscPos(encodeDocument({ paper: 58, blocks: [{ kind: 'barcode', data: 'TB{2026}-01' }] }));
    expect(events.find((e) => e.kind === 'barcode')).toMatchObject({ symbology: 0x49, data: 'TB{2026}-01', hri: true });
    expect(() => encodeDocument({ paper: 58, blocks: [{ kind: 'barcode', data: '中文' }] })).toThrow(RangeError);
  });

  it('writes a raster image in bands the reader puts back together', () => {
    const width = 64;
    const height = 300;
    const bits = new Uint8Array((width / 8) * height).map((_, i) => (i * 37) & 0xff);
    const events = readEscPos(
      encodeDocument({ paper: 58, blocks: [{ kind: 'image', image: { width, height, bits } }] }),
    );
    const bands = events.flatMap((e) => (e.kind === 'image' ? [e.image] : []));
    expect(bands.map((b) => b.height)).toEqual([128, 128, 44]);
    const joined = new Uint8Array(bits.length);
    let at = 0;
    for (const band of bands) {
      joined.set(band.bits, at);
      at += band.bits.length;
    }
    expect(joined).toEqual(bits);
  });

  it('reads the same events however the stream is cut into chunks', () => {
    const bytes = encodeDocument({
      paper: 80,
      blocks: [
        { kind: 'text', text: '𠮷龘中文 mixed 文本', bold: true },
        { kind: 'qr', data: 'TEST 10 04 inside' },
        { kind: 'cut', partial: true },
      ],
    });
    const whole = readEscPos(bytes);
    for (const size of [1, 2, 3, 5, 7]) {
      const reader = new EscPosReader();
      const events = [];
      for (let i = 0; i < bytes.length; i += size) events.push(...reader.push(bytes.subarray(i, i + size)));
      events.push(...reader.end());
      expect(events).toEqual(whole);
    }
  });

  it('renders to text with alignment and the cut', () => {
    const text = renderText(
      readEscPos(
        encodeDocument({
          paper: 58,
          blocks: [{ kind: 'text', text: '收件回执', align: 'center' }, { kind: 'qr', data: 'TEST' }, { kind: 'cut' }],
        }),
      ),
      58,
    );
    // The LF after the QR code feeds an empty line, as on paper.
    expect(text.split('\n')).toEqual([
      `${' '.repeat(12)}收件回执`,
      `${' '.repeat(11)}[QR TEST]`,
      '',
      expect.stringMatching(/^✂ -+$/),
    ]);
  });
});
