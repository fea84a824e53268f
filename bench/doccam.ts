// Document camera (#13): how long finding the page and straightening it takes on a 4K
// (3840×2160) still and on a 3264×2448 one (the shutter → rectified target is
// under 400 ms on 2 cores), each step alone, in Node on the same opencv.js the renderer's
// worker will run; and what reading the page's codes (zxing-wasm) adds, on a page with a
// QR code and on one without. The frames are drawn by the tests' scenes.ts.
import QRCode from 'qrcode';
import { loadCodeReaderFromPackage } from '../src-main/devices/doccam/barcodes.ts';
import { detectDocument } from '../src-main/devices/doccam/detect.ts';
import { heapBytes, loadOpenCv } from '../src-main/devices/doccam/opencv.ts';
import { assessQuality } from '../src-main/devices/doccam/quality.ts';
import { rectify } from '../src-main/devices/doccam/rectify.ts';
import { paintCode, placePage, renderScene } from '../tests/main/devices/doccam/scenes.ts';
import { median, MiB, record } from './support.ts';

function time(runs: number, body: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    body();
    times.push(performance.now() - started);
  }
  return median(times);
}

async function timeAsync(runs: number, body: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await body();
    times.push(performance.now() - started);
  }
  return median(times);
}

export async function benchDoccam(): Promise<void> {
  const started = performance.now();
  const cv = await loadOpenCv();
  record('doccam opencv.js load and init', `${(performance.now() - started).toFixed(0)} ms`);
  const readerStarted = performance.now();
  const reader = await loadCodeReaderFromPackage();
  record('doccam barcode reader load (zxing-wasm)', `${(performance.now() - readerStarted).toFixed(0)} ms`);
  const qr = QRCode.create('https://example.gov.cn/forms/2026/0042', { errorCorrectionLevel: 'M' });
  for (const [width, height] of [
    [3840, 2160],
    [3264, 2448],
  ] as const) {
    const corners = placePage({ width, height, angle: 8, tilt: 0.1 });
    const frame = renderScene(width, height, { page: corners, seed: 5 });
    const found = detectDocument(cv, frame);
    if (!found) throw new Error(`no page found in the ${width}×${height} bench frame`);
    const label = `${width}×${height}`;
    const runs = 7;
    const detectMs = time(runs, () => detectDocument(cv, frame));
    let size = '';
    const rectifyMs = time(runs, () => {
      const page = rectify(cv, frame, found.corners);
      size = `${page.width}×${page.height}`;
    });
    const bwMs = time(runs, () => rectify(cv, frame, found.corners, { mode: 'bw' }));
    const page = rectify(cv, frame, found.corners);
    const qualityMs = time(runs, () => assessQuality(cv, page));
    const total = time(runs, () => {
      const corners = detectDocument(cv, frame)!.corners;
      assessQuality(cv, rectify(cv, frame, corners));
    });
    record(`doccam detect, ${label}`, `${detectMs.toFixed(0)} ms`, 'median of 7');
    record(`doccam rectify colour, ${label}`, `${rectifyMs.toFixed(0)} ms`, `page ${size}`);
    record(`doccam rectify bw, ${label}`, `${bwMs.toFixed(0)} ms`);
    record(`doccam quality check, ${label}`, `${qualityMs.toFixed(0)} ms`);
    record(`doccam detect + rectify + quality, ${label}`, `${total.toFixed(0)} ms`, 'target < 400 ms (2 cores)');
    const plainMs = await timeAsync(runs, () => reader.read(page));
    const withQr = renderScene(width, height, { page: corners, seed: 5 });
    paintCode(
      withQr,
      corners,
      { width: qr.modules.size, height: qr.modules.size, dark: (col, row) => qr.modules.get(row, col) === 1 },
      { u: 0.6, v: 0.7, size: 0.25 },
    );
    const qrPage = rectify(cv, withQr, detectDocument(cv, withQr)!.corners);
    const codes = await reader.read(qrPage);
    if (codes.length !== 1) throw new Error(`the bench page's QR code did not read at ${label}`);
    const qrMs = await timeAsync(runs, () => reader.read(qrPage));
    record(`doccam codes, page without a code, ${label}`, `${plainMs.toFixed(0)} ms`);
    record(`doccam codes, page with a QR code, ${label}`, `${qrMs.toFixed(0)} ms`);
  }
  record('doccam opencv heap after the runs', `${(heapBytes(cv) / MiB).toFixed(0)} MiB`);
}
