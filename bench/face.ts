// 人证比对 (#15): the face matcher in the renderer's worker in Chromium, as the clerk's
// screen runs it — the face client and worker of src-renderer built by Vite with the app's
// face assets (tests/e2e/face-host.ts), served with the hall's own content policies (the page's
// and the face worker's) from 127.0.0.1: how long the models take to load (off the
// critical path: started after sign-in), and a 1280×720 counter-camera frame → outcome in
// the worker (target < 500 ms on 2 cores). Then the Node matcher the device CLI runs.
import { join } from 'node:path';
import { chromium } from 'playwright';
import { DEFAULT_FACE_THRESHOLDS } from '../src-main/common/face.ts';
import { encodePng } from '../src-main/devices/doccam/image-file.ts';
import { loadNodeFaceMatcher } from '../src-main/devices/face/node-matcher.ts';
import { type FacePageWindow, serveFacePage } from '../tests/e2e/face-host.ts';
import { cardPhoto, counterFrame, encodeBmp, liveFace } from '../tests/main/devices/face-fixtures.ts';
import { median, record, workDir } from './support.ts';

const FRAMES = 12;

export async function benchFace(): Promise<void> {
  await benchWorker();
  await benchNode();
}

async function benchWorker(): Promise<void> {
  const host = await serveFacePage(join(workDir(), 'face-page'));
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
  try {
    const page = await browser.newPage();
    const offOrigin: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(`${host.origin}/`)) offOrigin.push(request.url());
    });
    await page.goto(`${host.origin}/index.html`);
    const started = Date.now();
    const loadMs = await page.evaluate(() => (window as unknown as FacePageWindow).faceBench.load());
    const wall = Date.now() - started;
    record(
      'face models load in the worker (Chromium, wasm)',
      `${loadMs.toFixed(0)} ms`,
      `${wall} ms from the page's call`,
    );
    const card = Buffer.from(encodeBmp(cardPhoto('a'))).toString('base64');
    const reference = await page.evaluate(
      (bytes) => (window as unknown as FacePageWindow).faceBench.reference(bytes),
      card,
    );
    if (!('ok' in reference)) throw new Error(`bench card photo: ${JSON.stringify(reference)}`);
    const frame = encodePng(counterFrame(liveFace('a'))).toString('base64');
    const worker: number[] = [];
    const roundTrip: number[] = [];
    let outcome = '';
    for (let i = 0; i < FRAMES + 2; i++) {
      const result = await page.evaluate((png) => (window as unknown as FacePageWindow).faceBench.match(png), frame);
      outcome = `${result.outcome} (similarity ${result.similarity?.toFixed(2)})`;
      if (i < 2) continue; // the first frames compile the kernels
      worker.push(result.ms);
      roundTrip.push(result.roundTripMs);
    }
    record(
      'face frame → outcome in the worker, 1280×720',
      `${median(worker).toFixed(0)} ms`,
      `median of ${FRAMES}, worst ${Math.max(...worker).toFixed(0)}; target < 500 ms (2 cores); ${outcome}`,
    );
    record(
      'face frame → outcome, page round trip',
      `${median(roundTrip).toFixed(0)} ms`,
      'hand-over of the bitmap included',
    );
    if (offOrigin.length > 0) throw new Error(`the face page fetched off the app's origin: ${offOrigin.join(', ')}`);
  } finally {
    await browser.close();
    await host.close();
  }
}

async function benchNode(): Promise<void> {
  const matcher = await loadNodeFaceMatcher();
  record('face models load in Node (CLI, wasm)', `${matcher.loadMs.toFixed(0)} ms`, 'Human Node build included');
  const reference = await matcher.reference(cardPhoto('a'));
  const frame = counterFrame(liveFace('a'));
  const times: number[] = [];
  for (let i = 0; i < FRAMES + 2; i++) {
    const started = performance.now();
    await matcher.compare(reference, frame, DEFAULT_FACE_THRESHOLDS);
    if (i >= 2) times.push(performance.now() - started);
  }
  record('face compare in Node (CLI), 1280×720', `${median(times).toFixed(0)} ms`, `median of ${FRAMES}`);
}
