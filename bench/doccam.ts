// Document camera (#13): how long finding the page and straightening it takes on a 4K
// (3840×2160) still and on a 3264×2448 one (the shutter → rectified target is
// under 400 ms on 2 cores), each step alone, in Node on the same opencv.js the renderer's
// worker will run. The frames are drawn by the tests' scenes.ts.
import { detectDocument } from '../src-main/devices/doccam/detect.ts';
import { heapBytes, loadOpenCv } from '../src-main/devices/doccam/opencv.ts';
import { assessQuality } from '../src-main/devices/doccam/quality.ts';
import { rectify } from '../src-main/devices/doccam/rectify.ts';
import { placePage, renderScene } from '../tests/main/devices/doccam/scenes.ts';
import { MiB, record } from './support.ts';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function time(runs: number, body: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    body();
    times.push(performance.now() - started);
  }
  return median(times);
}

export async function benchDoccam(): Promise<void> {
  const started = performance.now();
  const cv = await loadOpenCv();
  record('doccam opencv.js load and init', `${(performance.now() - started).toFixed(0)} ms`);
  for (const [width, height] of [
    [3840, 2160],
    [3264, 2448],
  ] as const) {
    const frame = renderScene(width, height, { page: placePage({ width, height, angle: 8, tilt: 0.1 }), seed: 5 });
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
  }
  record('doccam opencv heap after the runs', `${(heapBytes(cv) / MiB).toFixed(0)} MiB`);
}
