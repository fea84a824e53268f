// The simulator's roll: the test page printed through the driver over TCP comes out as
// text (title, the given text exactly, the 58/80 rulers, the QR payload, the cut) and as a
// PNG whose QR code jsQR decodes and whose raster images are dot for dot what was sent.
import jsqr from 'jsqr';
import { PNG } from 'pngjs';
import { afterEach, describe, expect, it } from 'vitest';
import { ReceiptPrinter } from '../../../../src-main/devices/printer/driver.ts';
import { COLUMNS, encodeDocument, textColumns } from '../../../../src-main/devices/printer/escpos.ts';
import { printedLines } from '../../../../src-main/devices/printer/escpos-reader.ts';
import { rasterFromPng } from '../../../../src-main/devices/printer/raster.ts';
import { renderPng } from '../../../../src-main/devices/printer/roll.ts';
import { PrinterSimulator } from '../../../../src-main/devices/printer/simulator.ts';
import { asciiRuler, cjkRuler, testPage, TEST_PAGE_TITLE } from '../../../../src-main/devices/printer/test-page.ts';
import { openTcpTransport } from '../../../../src-main/devices/tcp-transport.ts';
import { readEscPos } from '../../../../src-main/devices/printer/escpos-reader.ts';

// jsqr is CommonJS typed with `export default`: under nodenext the function is `.default`.
const jsQR = jsqr.default;

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!().catch(() => undefined);
});

function decodeQr(png: Buffer): string | undefined {
  const image = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data;
}

describe('PrinterSimulator', () => {
  for (const paper of [58, 80] as const) {
    it(`prints the ${paper} mm test page sent over TCP: text, rulers, QR (decoded from the PNG), cut`, async () => {
      const simulator = new PrinterSimulator({ paper });
      cleanups.push(() => simulator.close());
      const { port } = await simulator.listenTcp(0);
      const driver = new ReceiptPrinter(await openTcpTransport('127.0.0.1', port), { settleMs: 20 });
      cleanups.push(() => driver.close());
      const text = '任意文字 𠮷龘 x';
      await driver.print(testPage({ paper, text, at: new Date('2026-12-06T06:40:00Z') }));

      const lines = printedLines(simulator.printed);
      expect(lines[0]).toBe(TEST_PAGE_TITLE);
      expect(lines[1]).toBe(text);
      expect(lines).toContain(asciiRuler(paper));
      expect(lines).toContain(cjkRuler(paper));
      expect(textColumns(asciiRuler(paper))).toBe(COLUMNS[paper]);
      expect(textColumns(cjkRuler(paper))).toBe(COLUMNS[paper]);
      const qr = simulator.printed.find((e) => e.kind === 'qr');
      expect(qr?.kind === 'qr' && qr.data).toContain('TEST');
      expect(simulator.printed.at(-1)).toMatchObject({ kind: 'cut' });
      expect(simulator.text()).toContain(text);

      const png = simulator.png();
      expect(PNG.sync.read(png).width).toBe(paper === 58 ? 384 : 576);
      expect(decodeQr(png)).toBe(`TONGBAN-TEST ${paper}mm 2026-12-06T06:40:00.000Z`);
    });
  }

  it('draws text with the outlines of the face (一 is one stroke, not a box), and a character the face lacks as a box', () => {
    const inkRows = (char: string) => {
      const image = PNG.sync.read(
        renderPng(readEscPos(encodeDocument({ paper: 58, blocks: [{ kind: 'text', text: char }] })), 58),
      );
      const rows = new Set<number>();
      for (let y = 0; y < image.height; y++) {
        for (let x = 0; x < 24; x++) if (image.data[(y * image.width + x) * 4] === 0) rows.add(y);
      }
      return rows.size;
    };
    expect(inkRows('一')).toBeGreaterThan(0);
    expect(inkRows('一')).toBeLessThanOrEqual(4);
    expect(inkRows('中')).toBeGreaterThan(15);
    expect(inkRows('\u{2B820}')).toBe(20); // CJK Extension E: not in the face, its cell's box
  });

  it('renders a QR code with non-ASCII payload and a raster logo faithfully', () => {
    const width = 40;
    const height = 24;
    const bits = new Uint8Array((width / 8) * height);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) if ((x + y) % 3 === 0) bits[y * 5 + (x >> 3)]! |= 0x80 >> (x & 7);
    const events = readEscPos(
      encodeDocument({
        paper: 58,
        blocks: [
          { kind: 'image', image: { width, height, bits }, align: 'left' },
          { kind: 'qr', data: '收件编号 TB-0001', moduleSize: 5, errorLevel: 'H' },
        ],
      }),
    );
    const png = renderPng(events, 58);
    expect(decodeQr(png)).toBe('收件编号 TB-0001');
    const image = PNG.sync.read(png);
    const top = 8; // the roll's top margin
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const black = image.data[((top + y) * image.width + x) * 4] === 0;
        expect(black).toBe((x + y) % 3 === 0);
      }
    }
  });
});

describe('rasterFromPng', () => {
  it('turns a PNG logo into dots that print back as the same picture, scaled to the paper', () => {
    const source = new PNG({ width: 800, height: 200 });
    for (let y = 0; y < 200; y++) {
      for (let x = 0; x < 800; x++) {
        const i = (y * 800 + x) * 4;
        const black = x < 400; // left half black, right half transparent
        source.data[i] = black ? 0 : 255;
        source.data[i + 1] = black ? 0 : 255;
        source.data[i + 2] = black ? 0 : 255;
        source.data[i + 3] = black ? 255 : 0;
      }
    }
    const image = rasterFromPng(PNG.sync.write(source), { maxWidth: 384 });
    expect([image.width, image.height]).toEqual([384, 96]);
    const png = PNG.sync.read(
      renderPng(readEscPos(encodeDocument({ paper: 58, blocks: [{ kind: 'image', image }] })), 58),
    );
    const top = 8;
    const black = (x: number, y: number) => png.data[((top + y) * png.width + x) * 4] === 0;
    expect(black(0, 0) && black(191, 95)).toBe(true);
    expect(black(192, 0) || black(383, 95)).toBe(false);
  });
});
