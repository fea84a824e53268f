// 人证比对 (#15): the face matcher in the renderer's worker in Chromium, as the clerk's
// screen runs it — the face client and worker of src-renderer built by Vite with the app's
// face assets (bench/face-page), served with the hall's own content policies (the page's
// and the face worker's) from 127.0.0.1: how long the models take to load (off the
// critical path: started after sign-in), and a 1280×720 counter-camera frame → outcome in
// the worker (target < 500 ms on 2 cores). Then the Node matcher the device CLI runs.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium } from 'playwright';
import sirv from 'sirv';
import { build } from 'vite';
import { DEFAULT_FACE_THRESHOLDS } from '../src-main/common/face.ts';
import { FACE_WORKER_CONTENT_SECURITY_POLICY, isFaceWorkerPath } from '../src-main/common/face-worker-policy.ts';
import { encodePng } from '../src-main/devices/doccam/image-file.ts';
import { loadNodeFaceMatcher } from '../src-main/devices/face/node-matcher.ts';
import { contentSecurityPolicy } from '../src-main/host/server.ts';
import { cardPhoto, counterFrame, encodeBmp, liveFace } from '../tests/main/devices/face-fixtures.ts';
import { faceAssets } from '../tools/vite-face-assets.ts';
import { median, record, workDir } from './support.ts';

const FRAMES = 12;

export async function benchFace(): Promise<void> {
  await benchWorker();
  await benchNode();
}

async function benchWorker(): Promise<void> {
  const outDir = join(workDir(), 'face-page');
  await build({
    configFile: false,
    logLevel: 'warn',
    root: join(import.meta.dirname, 'face-page'),
    base: './',
    plugins: [faceAssets()],
    worker: { format: 'es' },
    build: { outDir, emptyOutDir: true, target: 'chrome130' },
  });
  const serve = sirv(outDir, { dev: false, etag: true });
  let port = 0;
  const server = createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://placeholder').pathname;
    res.setHeader(
      'content-security-policy',
      isFaceWorkerPath(pathname) ? FACE_WORKER_CONTENT_SECURITY_POLICY : contentSecurityPolicy(port),
    );
    serve(req, res, () => res.writeHead(404).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
  try {
    const page = await browser.newPage();
    const offOrigin: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(`http://127.0.0.1:${port}/`)) offOrigin.push(request.url());
    });
    await page.goto(`http://127.0.0.1:${port}/index.html`);
    const started = Date.now();
    const loadMs = await page.evaluate(() => (window as never as FaceBenchWindow).faceBench.load());
    const wall = Date.now() - started;
    record(
      'face models load in the worker (Chromium, wasm)',
      `${loadMs.toFixed(0)} ms`,
      `${wall} ms from the page's call`,
    );
    const card = [...encodeBmp(cardPhoto('a'))];
    const reference = await page.evaluate(
      (bytes) => (window as never as FaceBenchWindow).faceBench.reference(bytes),
      card,
    );
    if (!('ok' in reference)) throw new Error(`bench card photo: ${JSON.stringify(reference)}`);
    const frame = [...encodePng(counterFrame(liveFace('a')))];
    const worker: number[] = [];
    const roundTrip: number[] = [];
    let outcome = '';
    for (let i = 0; i < FRAMES + 2; i++) {
      const result = await page.evaluate((png) => (window as never as FaceBenchWindow).faceBench.match(png), frame);
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
    server.close();
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

interface FaceBenchWindow {
  faceBench: {
    load(): Promise<number>;
    reference(bytes: number[]): Promise<{ ok: true } | { problem: string }>;
    match(
      png: number[],
    ): Promise<{ outcome: string | null; similarity: number | null; ms: number; roundTripMs: number }>;
  };
}
