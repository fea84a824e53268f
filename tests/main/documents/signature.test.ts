// 申请人（签字） on the documents the applicant signs: the 收件凭证 (each copy, beside the
// seal, at no cost in height) and the 补正 notice. With an e-signature its image stands
// on the line; without, the line is blank for a hand signature. Read back from the PDF.
import { describe, expect, it } from 'vitest';
import { pngBytes } from '../../fixtures/files.ts';
import { correction, receipt } from './fixtures.ts';
import { darkPixels, flat, pageCount, pagePixels, pdfText, renderToFile } from './pdf-tools.ts';
import type { Pixels } from './pdf-tools.ts';

/** A solid dark PNG standing in for the ink (its size in px). */
const SIGNATURE = pngBytes(240, 90, 20);

/** Dark pixels in the left half of the page (the seal and its text stand at the right). */
function darkLeft(pixels: Pixels): number {
  let dark = 0;
  for (let y = 0; y < pixels.height; y++) {
    for (let x = 0; x < pixels.width / 2; x++) if (pixels.data[(y * pixels.width + x) * 4]! < 128) dark++;
  }
  return dark;
}

describe('the applicant’s signature on the receipt', () => {
  it('has a 申请人（签字） line on each copy, blank without a signature, and still fits twice on a sheet', async () => {
    const { file } = await renderToFile(receipt());
    expect(await pageCount(file)).toBe(1);
    expect(flat(await pdfText(file)).match(/申请人（签字）：/g)).toHaveLength(2);
  });

  it('draws the image on the line of both copies, at the left of the seal', async () => {
    const blank = await renderToFile(receipt());
    const signed = await renderToFile(receipt({ applicantSignature: SIGNATURE }));
    expect(await pageCount(signed.file)).toBe(1);
    for (const band of ['top', 'bottom'] as const) {
      const without = await pagePixels(blank.file, 1, 100, band);
      const withIt = await pagePixels(signed.file, 1, 100, band);
      // The image adds ink in the left half of each copy, and only there.
      expect(darkLeft(withIt) - darkLeft(without)).toBeGreaterThan(500);
      expect(darkPixels(withIt) - darkLeft(withIt)).toBe(darkPixels(without) - darkLeft(without));
    }
  });

  it('gives the line its own row when a long office name leaves no room beside the seal', async () => {
    const office = {
      name: '某某省某某市某某区某某街道便民服务中心跨省通办与省内通办综合受理专窗管理办公室',
      window: '1 号',
    };
    const { file } = await renderToFile(receipt({ office, applicantSignature: SIGNATURE }));
    expect(flat(await pdfText(file)).match(/申请人（签字）：/g)).toHaveLength(2);
  });
});

describe('the applicant’s signature on the 补正 notice', () => {
  it('draws the image on the 申请人（签字） line, beside the clerk’s blank', async () => {
    const blank = await renderToFile(correction());
    const signed = await renderToFile(correction({ applicantSignature: SIGNATURE }));
    expect(flat(await pdfText(signed.file))).toContain('申请人（签字）：');
    const page = await pageCount(signed.file);
    const without = await pagePixels(blank.file, page, 100);
    const withIt = await pagePixels(signed.file, page, 100);
    expect(darkPixels(withIt) - darkPixels(without)).toBeGreaterThan(500);
  });

  it('refuses a model whose signature is not bytes (a bug in the caller)', async () => {
    await expect(
      renderToFile(correction({ applicantSignature: 'iVBORw0KGgo=' as unknown as Uint8Array })),
    ).rejects.toThrow(/applicantSignature/);
  });
});
