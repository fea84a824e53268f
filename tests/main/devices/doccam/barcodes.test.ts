// Barcodes and QR codes read on the straightened page, as the capture screen and the CLI
// read them: a QR printed on a page photographed at several angles and in perspective,
// found, rectified and read; an EMS waybill's Code 128 and a Data Matrix (drawn from
// zxing's own writer); two codes in reading order; a page without a code and a page whose
// code is damaged past reading give an empty list, never a throw or a guess.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import QRCode from 'qrcode';
import { prepareZXingModule as prepareWriter, writeBarcode, type WriteInputBarcodeFormat } from 'zxing-wasm/writer';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type CodeReader,
  loadCodeReader,
  loadCodeReaderFromPackage,
} from '../../../../src-main/devices/doccam/barcodes.ts';
import { detectDocument } from '../../../../src-main/devices/doccam/detect.ts';
import type { Quad, RgbaImage } from '../../../../src-main/devices/doccam/image.ts';
import { loadOpenCv, type OpenCv } from '../../../../src-main/devices/doccam/opencv.ts';
import { rectify } from '../../../../src-main/devices/doccam/rectify.ts';
import { type CodePlacement, type Modules, paintCode, placePage, renderScene } from './scenes.ts';

let cv: OpenCv;
let reader: CodeReader;
beforeAll(async () => {
  cv = await loadOpenCv();
  reader = await loadCodeReaderFromPackage();
  const require = createRequire(import.meta.url);
  const wasmBinary = readFileSync(require.resolve('zxing-wasm/writer/zxing_writer.wasm'));
  await prepareWriter({ overrides: { wasmBinary: wasmBinary as unknown as ArrayBuffer }, fireImmediately: true });
});

function qrModules(text: string): Modules {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const size = qr.modules.size;
  return { width: size, height: size, dark: (col, row) => qr.modules.get(row, col) === 1 };
}

/** A code as zxing's writer draws it: one pixel a module, 0 for ink. */
async function written(format: WriteInputBarcodeFormat, text: string): Promise<Modules> {
  const { symbol, error } = await writeBarcode(text, { format });
  if (error) throw new Error(error);
  return {
    width: symbol.width,
    height: symbol.height,
    dark: (col, row) => symbol.data[row * symbol.width + col] === 0,
  };
}

/** A still with these codes printed on the page, and the page found and straightened in colour. */
function photographed(
  codes: Array<{ modules: Modules; at: CodePlacement }>,
  placement: { angle: number; tilt?: number; seed?: number },
): { still: RgbaImage; corners: Quad; page: RgbaImage } {
  const [width, height] = [1600, 1200];
  const corners = placePage({ width, height, angle: placement.angle, tilt: placement.tilt ?? 0.08, size: 0.9 });
  const still = renderScene(width, height, { page: corners, seed: placement.seed ?? 3 });
  for (const code of codes) paintCode(still, corners, code.modules, code.at);
  const found = detectDocument(cv, still);
  if (!found) throw new Error(`no page found at ${placement.angle}°`);
  return { still, corners: found.corners, page: rectify(cv, still, found.corners) };
}

describe('reading codes on the straightened page', () => {
  it.each([-30, -11, 0, 8, 25])('reads a QR code on a page photographed at %i°', async (angle) => {
    const text = `TB-FORM-2026-${String(angle + 100).padStart(4, '0')}`;
    const { page } = photographed([{ modules: qrModules(text), at: { u: 0.55, v: 0.62, size: 0.34 } }], { angle });
    expect(await reader.read(page)).toEqual([{ format: 'QRCode', label: 'QR Code', kind: 'qr', text }]);
  });

  it('reads an EMS waybill’s Code 128 and a Data Matrix, in reading order (top to bottom)', async () => {
    const { page } = photographed(
      [
        { modules: await written('DataMatrix', '申请表 No.2026-0042'), at: { u: 0.7, v: 0.08, size: 0.16 } },
        { modules: await written('Code128', 'EA123456785CN'), at: { u: 0.2, v: 0.7, size: 0.6, quiet: 10 } },
      ],
      { angle: -6 },
    );
    expect(await reader.read(page)).toEqual([
      { format: 'DataMatrix', label: 'Data Matrix', kind: 'matrix', text: '申请表 No.2026-0042' },
      { format: 'Code128', label: 'Code 128', kind: 'linear', text: 'EA123456785CN' },
    ]);
  });

  it('reads a code on a page turned upside down (the clerk has not turned it yet)', async () => {
    const { still, corners } = photographed(
      [{ modules: qrModules('TB-UPSIDE-DOWN'), at: { u: 0.1, v: 0.1, size: 0.3 } }],
      { angle: 4 },
    );
    const turned = rectify(cv, still, corners, { rotate: 180 });
    expect((await reader.read(turned)).map((code) => code.text)).toEqual(['TB-UPSIDE-DOWN']);
  });

  it('gives an empty list for a page without a code, and for a desk with no page at all', async () => {
    const { page } = photographed([], { angle: 9, seed: 11 });
    expect(await reader.read(page)).toEqual([]);
    expect(await reader.read(renderScene(900, 700, { seed: 12 }))).toEqual([]);
  });

  it('gives an empty list, without throwing, for a code damaged past reading', async () => {
    const { page } = photographed([{ modules: qrModules('TB-DAMAGED-0001'), at: { u: 0.5, v: 0.6, size: 0.4 } }], {
      angle: 5,
    });
    // A coffee stain over the middle half of the code (finder patterns left whole): too much for its error correction.
    const damaged = { ...page, data: new Uint8ClampedArray(page.data) };
    const [x0, x1] = [Math.round(page.width * 0.6), Math.round(page.width * 0.8)];
    const [y0, y1] = [Math.round(page.height * 0.62), Math.round(page.height * 0.8)];
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const i = (y * page.width + x) * 4;
        damaged.data[i] = damaged.data[i + 1] = damaged.data[i + 2] = (x * 7 + y * 13) % 3 === 0 ? 40 : 200;
      }
    }
    expect(await reader.read(page)).toHaveLength(1);
    expect(await reader.read(damaged)).toEqual([]);
  });

  it('refuses an image whose data does not match its size, and loads once whatever bytes come later', async () => {
    await expect(reader.read({ width: 10, height: 10, data: new Uint8ClampedArray(12) })).rejects.toThrow(RangeError);
    expect(await loadCodeReader(new Uint8Array(8))).toBe(reader);
  });
});
