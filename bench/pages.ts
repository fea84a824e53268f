// A session of 100 pages from the document camera: what the core holds while a clerk
// captures a stack, and what sealing them costs. Each page is a 3264×2448 JPEG (a
// generated page on a desk, made unique per page by a JPEG comment), sent as the UI sends
// it (chunked upload, then drafts.addFile) and stored encrypted on disk as it comes.
// Target: resident memory flat after the first pages — pages live on disk, not in memory.
//
// Then the draft is reviewed and sealed: its 100 pages are read from the store and bound
// into one PDF in the render worker (a worker thread of this process), which then renders
// the notices. Recorded: the seal's time, the process's peak RSS during it, and how long
// the worker took to answer the binding request, against the render thread's per-request
// timeout (documents/render-thread.ts). The same again with 100 black-and-white PNG pages
// (the panel's 黑白 mode). Client and core run in one process here.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Worker } from 'node:worker_threads';
import { detectDocument } from '../src-main/devices/doccam/detect.ts';
import { encodeJpeg, encodePng } from '../src-main/devices/doccam/image-file.ts';
import { loadOpenCv } from '../src-main/devices/doccam/opencv.ts';
import { rectify } from '../src-main/devices/doccam/rectify.ts';
import type { RenderReply } from '../src-main/documents/render-protocol.ts';
import { placePage, renderScene } from '../tests/main/devices/doccam/scenes.ts';
import { addFileBytes, uploadBytes } from '../tests/fixtures/uploads.ts';
import { type Call, openDesk, scannedPage, startDraft } from './desk.ts';
import { bootCore, MiB, record, workDir } from './support.ts';

const PAGES = Number(process.env.PAGES_BENCH_PAGES ?? 100);
/** RenderThread's default per-request timeout (documents/render-thread.ts), which the core uses. */
const RENDER_TIMEOUT_MS = 60_000;

/** The same JPEG with a comment segment (COM) after its start marker: other bytes, the same picture. */
function withComment(jpeg: Buffer, text: string): Buffer {
  const body = Buffer.from(text, 'utf8');
  const segment = Buffer.alloc(4 + body.length);
  segment.writeUInt16BE(0xfffe, 0);
  segment.writeUInt16BE(body.length + 2, 2);
  body.copy(segment, 4);
  return Buffer.concat([jpeg.subarray(0, 2), segment, jpeg.subarray(2)]);
}

/** The same PNG with a tEXt chunk after IHDR: other bytes, the same picture. */
function withText(png: Buffer, text: string): Buffer {
  const data = Buffer.from(`Comment\0${text}`, 'latin1');
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  chunk.write('tEXt', 4, 'latin1');
  data.copy(chunk, 8);
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + data.length)), 8 + data.length);
  const ihdrEnd = 8 + 8 + 13 + 4;
  return Buffer.concat([png.subarray(0, ihdrEnd), chunk, png.subarray(ihdrEnd)]);
}

function crc32(bytes: Uint8Array): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return ~c >>> 0;
}

/** The render worker's requests as the render thread times them: when posted, when answered. */
class RenderRequests {
  private posted = 0;
  private readonly requests = new Map<number, { posted: number; answered?: number }>();
  private readonly watched = new WeakSet<Worker>();

  onPosted = (worker: Worker): void => {
    // Request ids count from 1 over the thread's life, in the order they are posted.
    this.requests.set(++this.posted, { posted: performance.now() });
    if (this.watched.has(worker)) return;
    this.watched.add(worker);
    worker.on('message', (reply: RenderReply) => {
      const request = this.requests.get(reply.id);
      if (request) request.answered = performance.now();
    });
  };

  /** The requests since the last call, in order. */
  take(): { posted: number; answered?: number }[] {
    const taken = [...this.requests.values()];
    this.requests.clear();
    return taken;
  }
}

const selfStatus = (field: 'VmRSS' | 'VmHWM') => {
  const text = readFileSync('/proc/self/status', 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(text)?.[1] ?? 0) * 1024;
};

export async function benchPages(): Promise<void> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const settledRss = () => {
    gc();
    gc();
    return process.memoryUsage().rss;
  };
  const jpeg = encodeJpeg(renderScene(3264, 2448, { seed: 7 }), 85);
  const dir = workDir();
  const requests = new RenderRequests();
  const core = await bootCore(dir, undefined, { onPosted: requests.onPosted });
  const { call } = await openDesk(core);
  const draftId = await startDraft(call, 1);

  const rss: number[] = [];
  const started = performance.now();
  for (let page = 1; page <= PAGES; page++) {
    const bytes = withComment(jpeg, `page ${page}`);
    const uploadId = await uploadBytes(call, draftId, `第${page}页.jpg`, bytes);
    await call('drafts.addFile', {
      id: draftId,
      materialId: 'applicant-id-card',
      uploadId,
      capture: { source: 'documentCamera', frame: { width: 3264, height: 2448 }, mode: 'colour', rotation: 0 },
    });
    if (page === 10 || page === 50 || page === PAGES) rss.push(settledRss());
  }
  const perPage = (performance.now() - started) / PAGES;
  record(
    `document camera session: resident memory after 10 → 50 → ${PAGES} pages (after GC)`,
    rss.map((r) => `${(r / MiB).toFixed(0)}`).join(' → ') + ' MiB',
    `target flat; ${PAGES} pages of ${(jpeg.length / 1024).toFixed(0)} KiB JPEG (3264×2448) stored as they come, ${perPage.toFixed(0)} ms a page (upload + store, client and core in one process)`,
  );
  await sealPages(
    call,
    draftId,
    requests,
    settledRss,
    `${PAGES} JPEG pages of ${(jpeg.length / MiB).toFixed(1)} MB (${((jpeg.length * PAGES) / MiB).toFixed(0)} MiB)`,
  );

  // The same with black-and-white pages: the panel's 黑白 mode files lossless PNG.
  const cv = await loadOpenCv();
  const frame = renderScene(3264, 2448, {
    page: placePage({ width: 3264, height: 2448, angle: 8, tilt: 0.1 }),
    seed: 5,
  });
  const corners = detectDocument(cv, frame)?.corners;
  if (!corners) throw new Error('no page found in the bench frame');
  const bw = rectify(cv, frame, corners, { mode: 'bw' });
  const png = encodePng(bw);
  const bwDraft = await startDraft(call, 1);
  for (let page = 1; page <= PAGES; page++) {
    const uploadId = await uploadBytes(call, bwDraft, `第${page}页.png`, withText(png, `page ${page}`));
    await call('drafts.addFile', {
      id: bwDraft,
      materialId: 'applicant-id-card',
      uploadId,
      capture: { source: 'documentCamera', frame: { width: 3264, height: 2448 }, mode: 'bw', rotation: 0 },
    });
  }
  await sealPages(
    call,
    bwDraft,
    requests,
    settledRss,
    `${PAGES} black-and-white PNG pages (${bw.width}×${bw.height}) of ${(png.length / 1024).toFixed(0)} KiB (${((png.length * PAGES) / MiB).toFixed(0)} MiB)`,
  );

  await core.close();
  rmSync(dir, { recursive: true, force: true });
}

/**
 * The draft's photo, review (which starts the render worker), the clerk reading the outcome
 * for 1.5 s, then the seal: its time, the process's peak RSS (the kernel's, reset before
 * the seal; and sampled every 20 ms), and the render worker's requests.
 */
async function sealPages(
  call: Call,
  draftId: string,
  requests: RenderRequests,
  settledRss: () => number,
  what: string,
): Promise<void> {
  await addFileBytes(call, { id: draftId, materialId: 'photo', name: '证件照.png', bytes: scannedPage(1) });
  const review = await call<{ outcome: string }>('drafts.review', { id: draftId });
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const before = settledRss();
  writeFileSync('/proc/self/clear_refs', '5'); // VmHWM from now on
  let sampled = before;
  const sampler = setInterval(() => (sampled = Math.max(sampled, process.memoryUsage().rss)), 20);
  requests.take();
  const sealStarted = performance.now();
  let outcome: string;
  try {
    outcome = (await call<{ outcome: string }>('drafts.seal', { id: draftId })).outcome;
  } catch (error) {
    clearInterval(sampler);
    record(
      `seal, ${what}`,
      'FAILED',
      `${String(error)} after ${((performance.now() - sealStarted) / 1000).toFixed(1)} s; review said ${review.outcome}`,
    );
    return;
  }
  const sealMs = performance.now() - sealStarted;
  clearInterval(sampler);
  const peak = selfStatus('VmHWM');
  const [bind, ...notices] = requests.take();
  const ms = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? NaN : b - a);
  const bindMs = ms(bind?.posted, bind?.answered);
  record(
    `seal after review, ${what}`,
    `${(sealMs / 1000).toFixed(1)} s`,
    `outcome ${outcome}; RSS ${(before / MiB).toFixed(0)} MiB before (after GC), peak ${(peak / MiB).toFixed(0)} MiB (VmHWM; sampled ${(sampled / MiB).toFixed(0)}), ${(settledRss() / MiB).toFixed(0)} MiB after (GC)`,
  );
  record(
    `  the binding request in the render worker`,
    `${(bindMs / 1000).toFixed(1)} s`,
    `${((bindMs / RENDER_TIMEOUT_MS) * 100).toFixed(0)} % of the ${RENDER_TIMEOUT_MS / 1000} s per-request timeout`,
  );
  const last = notices.at(-1);
  record(
    `  where the seal's time went`,
    [
      `${(ms(sealStarted, bind?.posted) / 1000).toFixed(1)} s to the binding request (pages read from the store, sent)`,
      `${(bindMs / 1000).toFixed(1)} s binding`,
      `${(ms(bind?.answered, notices[0]?.posted) / 1000).toFixed(1)} s to the notices (the PDF stored)`,
      `${(ms(notices[0]?.posted, last?.answered) / 1000).toFixed(1)} s ${notices.length} notice(s)`,
      `${(ms(last?.answered, sealStarted + sealMs) / 1000).toFixed(1)} s to the answer`,
    ].join(', '),
  );
}
